import { metadata, ObjectMeta } from "./meta";

const RBAC_API_VERSION = "rbac.authorization.k8s.io/v1";

/** A core v1 ServiceAccount (metadata only: the library writes no secrets or imagePullSecrets). */
export function serviceAccountObject(meta: ObjectMeta): Record<string, unknown> {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: metadata(meta) };
}

/** A RoleBinding of a Role or ClusterRole to ServiceAccounts (in their namespaces). */
export function roleBindingObject(
  meta: ObjectMeta,
  roleRef: { readonly kind: "Role" | "ClusterRole"; readonly name: string },
  serviceAccounts: readonly { readonly name: string; readonly namespace: string }[],
): Record<string, unknown> {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "RoleBinding",
    metadata: metadata(meta),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleRef.kind, name: roleRef.name },
    subjects: serviceAccounts.map((sa) => ({ kind: "ServiceAccount", name: sa.name, namespace: sa.namespace })),
  };
}
