/**
 * Hand-written, deliberately minimal structural schemas for the built-in Kubernetes kinds this library generates.
 * Same format as the entries of crd-schemas.json (Kubernetes structural schema subset), so the validator treats
 * them exactly like CRD schemas: an object with `properties` rejects every field it does not list.
 *
 * Only top-level fields besides apiVersion/kind/metadata are listed here; metadata is checked by the validator's
 * fixed metadata schema (and `metadata.namespace` is rejected for cluster-scoped kinds).
 *
 * Minimal on purpose: fields the library never writes (ServiceAccount secrets/imagePullSecrets, ClusterRole
 * aggregationRule, Namespace spec.finalizers, ...) are reported as unknown, so a generator bug cannot slip them in.
 */

/** Kubernetes structural schema subset (the shape of the entries in crd-schemas.json). */
export interface StructuralSchema {
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly items?: StructuralSchema;
  readonly additionalProperties?: StructuralSchema | boolean;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly nullable?: boolean;
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
  readonly "x-kubernetes-embedded-resource"?: boolean;
}

export type ResourceScope = "Namespaced" | "Cluster";

export interface BuiltinSchema {
  readonly scope: ResourceScope;
  /** Root object schema; apiVersion, kind and metadata are added by the validator. */
  readonly schema: StructuralSchema;
}

const str: StructuralSchema = { type: "string" };
const nonEmpty: StructuralSchema = { type: "string", minLength: 1 };
const strings: StructuralSchema = { type: "array", items: nonEmpty };

const RBAC_GROUP = "rbac.authorization.k8s.io";

function policyRule(cluster: boolean): StructuralSchema {
  return {
    type: "object",
    required: ["verbs"],
    properties: {
      apiGroups: { type: "array", items: str }, // "" is the core group
      resources: strings,
      verbs: { type: "array", minItems: 1, items: nonEmpty },
      resourceNames: strings,
      ...(cluster ? { nonResourceURLs: strings } : {}),
    },
  };
}

function roleRef(kinds: readonly string[]): StructuralSchema {
  return {
    type: "object",
    required: ["apiGroup", "kind", "name"],
    properties: {
      apiGroup: { type: "string", enum: [RBAC_GROUP] },
      kind: { type: "string", enum: kinds },
      name: nonEmpty,
    },
  };
}

const subjects: StructuralSchema = {
  type: "array",
  items: {
    type: "object",
    required: ["kind", "name"],
    properties: {
      kind: { type: "string", enum: ["ServiceAccount", "User", "Group"] },
      name: nonEmpty,
      namespace: str,
      apiGroup: str,
    },
  },
};

/** Keyed like crd-schemas.json: "<apiVersion>/<Kind>" ("v1/Namespace", "rbac.authorization.k8s.io/v1/Role"). */
export const BUILTIN_SCHEMAS: Readonly<Record<string, BuiltinSchema>> = {
  "v1/Namespace": { scope: "Cluster", schema: { type: "object", properties: {} } },
  "v1/ServiceAccount": {
    scope: "Namespaced",
    schema: { type: "object", properties: { automountServiceAccountToken: { type: "boolean" } } },
  },
  [`${RBAC_GROUP}/v1/Role`]: {
    scope: "Namespaced",
    schema: { type: "object", properties: { rules: { type: "array", items: policyRule(false) } } },
  },
  [`${RBAC_GROUP}/v1/ClusterRole`]: {
    scope: "Cluster",
    schema: { type: "object", properties: { rules: { type: "array", items: policyRule(true) } } },
  },
  [`${RBAC_GROUP}/v1/RoleBinding`]: {
    scope: "Namespaced",
    schema: { type: "object", required: ["roleRef"], properties: { roleRef: roleRef(["Role", "ClusterRole"]), subjects } },
  },
  [`${RBAC_GROUP}/v1/ClusterRoleBinding`]: {
    scope: "Cluster",
    schema: { type: "object", required: ["roleRef"], properties: { roleRef: roleRef(["ClusterRole"]), subjects } },
  },
};
