/** Name and id formats shared by several constructs; one definition each, so the checks cannot drift apart. */

/** A DNS-1123 label: lower-case letters, digits and '-', 1 to 63 characters, alphanumeric at both ends. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 subdomain (Kubernetes object names): labels joined by '.', 253 characters at most. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** An Azure subscription or tenant id. */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** An Azure resource group name: 1 to 90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'. */
export const RESOURCE_GROUP = /^[-\w._()]{1,89}[-\w_()]$/;
/** An AKS cluster name: 1 to 63 letters, digits, '-' and '_', alphanumeric at both ends. */
export const AKS_CLUSTER_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
/** A Kubernetes label (or annotation, taint) key: `[DNS subdomain/]name`, the name 1 to 63 characters. */
export const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: 0 to 63 letters, digits, '-', '_' and '.', alphanumeric at both ends. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** A URL with `user:password@`: credentials belong in a Secret, never in Git. */
export const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i;
