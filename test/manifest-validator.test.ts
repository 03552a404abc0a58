import * as fs from "fs";
import * as path from "path";
import { ManifestIssue, hasSchemaFor, schemaInfo, validateManifest, FLUX_TARGETS } from "../lib/schema/manifest-validator";
import { deriveEntries, deriveTestCrd, schemaFileOf, TEST_CRD_FILES, testCrdDirOf } from "../scripts/derive-crd-schemas";

const SCHEMA_FILE = path.resolve(__dirname, "..", "lib", "schema", "crd-schemas.json");
const DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

/** Deep copy with overrides applied at dotted paths; `undefined` deletes. */
function withPatch<T>(obj: T, patches: Record<string, unknown>): T {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  for (const [p, value] of Object.entries(patches)) {
    const keys = p.split(".");
    let node = copy as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    const last = keys[keys.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy as T;
}

function expectValid(manifest: unknown): void {
  expect(validateManifest(manifest)).toEqual([]);
}

function expectOnly(manifest: unknown, issues: ManifestIssue[]): void {
  expect(validateManifest(manifest)).toEqual(issues);
}

const kustomization = {
  apiVersion: "kustomize.toolkit.fluxcd.io/v1",
  kind: "Kustomization",
  metadata: { name: "aks-nodepools", namespace: "flux-system", labels: { "app.kubernetes.io/managed-by": "cdktf-aks-gitops" } },
  spec: {
    interval: "10m",
    retryInterval: "2m",
    timeout: "5m",
    path: "./clusters/prod/nodepools",
    prune: true,
    wait: true,
    sourceRef: { kind: "GitRepository", name: "flux-system" },
    dependsOn: [{ name: "tofu-controller" }],
    postBuild: { substitute: { cluster_name: "aks-prod", location: "westeurope" } },
  },
};

const terraform = {
  apiVersion: "infra.contrib.fluxcd.io/v1alpha2",
  kind: "Terraform",
  metadata: { name: "aks-nodepools", namespace: "flux-system" },
  spec: {
    interval: "10m",
    approvePlan: "auto",
    path: "./terraform/nodepools",
    sourceRef: { kind: "GitRepository", name: "flux-system", namespace: "flux-system" },
    serviceAccountName: "tf-runner",
    storeReadablePlan: "human",
    destroyResourcesOnDeletion: false,
    vars: [
      { name: "node_count", value: 3 },
      { name: "tags", value: { env: "prod" } },
    ],
    varsFrom: [{ kind: "ConfigMap", name: "cluster-settings" }],
    writeOutputsToSecret: { name: "nodepool-outputs" },
    runnerPodTemplate: {
      metadata: { labels: { "azure.workload.identity/use": "true" } },
      spec: {
        env: [
          { name: "ARM_USE_OIDC", value: "true" },
          { name: "ARM_CLIENT_ID", valueFrom: { secretKeyRef: { name: "azure-identity", key: "clientId" } } },
        ],
        resources: { limits: { cpu: "500m", memory: "512Mi" }, requests: { cpu: 1 } },
      },
    },
  },
};

const helmRelease = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "tofu-controller", namespace: "flux-system" },
  spec: {
    interval: "1h",
    releaseName: "tofu-controller",
    chart: {
      spec: {
        chart: "tofu-controller",
        version: ">=0.16.0-rc.5",
        sourceRef: { kind: "HelmRepository", name: "tofu-controller" },
        interval: "24h",
      },
    },
    install: { crds: "CreateReplace", remediation: { retries: 3 } },
    upgrade: { crds: "CreateReplace", remediation: { retries: 3, remediateLastFailure: true } },
    values: {
      replicaCount: 1,
      runner: { serviceAccount: { annotations: { "azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000000" } } },
      anything: [{ goes: ["here", 1, true, null] }],
    },
  },
};

const helmRepository = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "HelmRepository",
  metadata: { name: "tofu-controller", namespace: "flux-system" },
  spec: { interval: "24h", url: "https://flux-iac.github.io/tofu-controller", timeout: "60s" },
};

const gitRepository = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
  metadata: { name: "flux-system", namespace: "flux-system" },
  spec: {
    interval: "1m0s",
    url: "https://github.com/contoso/fleet-infra",
    ref: { branch: "main" },
    secretRef: { name: "flux-system" },
    timeout: "60s",
    ignore: "/*\n!/clusters\n",
  },
};

const provider = {
  apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
  kind: "Provider",
  metadata: { name: "msteams", namespace: "flux-system" },
  spec: { type: "msteams", secretRef: { name: "msteams-webhook" } },
};

const alert = {
  apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
  kind: "Alert",
  metadata: { name: "nodepools", namespace: "flux-system" },
  spec: {
    providerRef: { name: "msteams" },
    eventSeverity: "error",
    eventSources: [{ kind: "Kustomization", name: "aks-nodepools" }],
  },
};

describe("Flux CRD kinds", () => {
  test("valid objects of every generated Flux kind pass", () => {
    expectValid(kustomization);
    expectValid(terraform);
    expectValid(helmRelease);
    expectValid(helmRepository);
    expectValid(gitRepository);
    expectValid(provider);
    expectValid(alert);
  });

  test("the article's Kustomization with spec.resources is rejected: the field does not exist and would be pruned", () => {
    const bad = withPatch(kustomization, { "spec.resources": ["nodepool-a.yaml", "nodepool-b.yaml"] });
    expectOnly(bad, [{ path: "spec", message: 'unknown field "resources"' }]);
  });

  test("the article's Terraform runnerPodTemplate.spec.serviceAccountName and .containers are both unknown", () => {
    const bad = withPatch(terraform, {
      "spec.serviceAccountName": undefined,
      "spec.runnerPodTemplate.spec": {
        serviceAccountName: "tf-runner",
        containers: [{ name: "runner", env: [{ name: "ARM_USE_OIDC", value: "true" }] }],
      },
    });
    expectOnly(bad, [
      { path: "spec.runnerPodTemplate.spec", message: 'unknown field "serviceAccountName"' },
      { path: "spec.runnerPodTemplate.spec", message: 'unknown field "containers"' },
    ]);
    // the fix: serviceAccountName at spec level, env directly under runnerPodTemplate.spec
    expectValid(withPatch(terraform, { "spec.runnerPodTemplate.spec": { env: [{ name: "ARM_USE_OIDC", value: "true" }] } }));
  });

  test("unknown fields are found at any depth, including inside arrays", () => {
    const bad = withPatch(terraform, { "spec.vars": [{ name: "x", value: 1, secret: true }] });
    expectOnly(bad, [{ path: "spec.vars[0]", message: 'unknown field "secret"' }]);
  });

  test("wrong enum values", () => {
    expectOnly(withPatch(terraform, { "spec.storeReadablePlan": "yes" }), [
      { path: "spec.storeReadablePlan", message: "must be one of: none, json, human" },
    ]);
    // the v1beta3 Alert enum has no Terraform kind
    const issues = validateManifest(withPatch(alert, { "spec.eventSources": [{ kind: "Terraform", name: "aks-nodepools" }] }));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe("spec.eventSources[0].kind");
    expect(issues[0].message).toMatch(/^must be one of: Bucket, GitRepository, Kustomization, HelmRelease, /);
    expect(issues[0].message).not.toContain("Terraform");
    expectOnly(withPatch(terraform, { "spec.sourceRef.kind": "HelmRepository" }), [
      { path: "spec.sourceRef.kind", message: "must be one of: GitRepository, Bucket, OCIRepository" },
    ]);
  });

  test("a wrong type is reported once (no extra enum noise)", () => {
    expectOnly(withPatch(kustomization, { "spec.interval": 5 }), [{ path: "spec.interval", message: "must be string" }]);
    expectOnly(withPatch(terraform, { "spec.storeReadablePlan": true }), [{ path: "spec.storeReadablePlan", message: "must be string" }]);
    expectOnly(withPatch(kustomization, { "spec.prune": "true" }), [{ path: "spec.prune", message: "must be boolean" }]);
    expectOnly(withPatch(kustomization, { "spec.dependsOn": { name: "x" } }), [{ path: "spec.dependsOn", message: "must be array" }]);
  });

  test("missing required fields point at the parent and name the field", () => {
    expectOnly(withPatch(kustomization, { "spec.prune": undefined }), [{ path: "spec", message: 'missing required field "prune"' }]);
    expectOnly(withPatch(terraform, { "spec.interval": undefined, "spec.sourceRef.name": undefined }), [
      { path: "spec", message: 'missing required field "interval"' },
      { path: "spec.sourceRef", message: 'missing required field "name"' },
    ]);
    expectOnly(withPatch(kustomization, { spec: undefined }), [{ path: "", message: 'missing required field "spec"' }]);
  });

  test("duration patterns where the CRDs declare them", () => {
    expectOnly(withPatch(kustomization, { "spec.interval": "10 minutes" }), [
      { path: "spec.interval", message: `must match pattern ${DURATION}` },
    ]);
    expectOnly(withPatch(helmRelease, { "spec.chart.spec.interval": "1d" }), [
      { path: "spec.chart.spec.interval", message: `must match pattern ${DURATION}` },
    ]);
    // source-controller timeouts allow no hours
    expectOnly(withPatch(gitRepository, { "spec.timeout": "1h" }), [
      { path: "spec.timeout", message: "must match pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m))+$" },
    ]);
    expectOnly(withPatch(gitRepository, { "spec.url": "git@github.com:contoso/fleet-infra.git" }), [
      { path: "spec.url", message: "must match pattern ^(http|https|ssh)://.*$" },
    ]);
    // tofu-controller declares no pattern for its intervals: only the type is checked
    expectValid(withPatch(terraform, { "spec.interval": "every ten minutes" }));
  });

  test("int-or-string fields accept integers and strings, and quantity patterns apply to strings", () => {
    expectValid(withPatch(terraform, { "spec.runnerPodTemplate.spec.resources.limits": { cpu: 2, memory: "1Gi" } }));
    expectOnly(withPatch(terraform, { "spec.runnerPodTemplate.spec.resources.limits": { cpu: true } }), [
      { path: "spec.runnerPodTemplate.spec.resources.limits.cpu", message: "must be integer or string" },
    ]);
    const issues = validateManifest(withPatch(terraform, { "spec.runnerPodTemplate.spec.resources.limits": { memory: "lots" } }));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe("spec.runnerPodTemplate.spec.resources.limits.memory");
    expect(issues[0].message).toMatch(/^must match pattern \^\(\\\+\|-\)\?/);
  });

  test("map fields take any key but check the value schema; preserve-unknown-fields takes anything", () => {
    expectValid(withPatch(kustomization, { "spec.postBuild.substitute": { ANY_KEY: "v", "dotted.key": "w" } }));
    expectOnly(withPatch(kustomization, { "spec.postBuild.substitute": { replicas: 3 } }), [
      { path: "spec.postBuild.substitute.replicas", message: "must be string" },
    ]);
    expectOnly(withPatch(terraform, { "spec.runnerPodTemplate.metadata.labels": { "azure.workload.identity/use": true } }), [
      { path: 'spec.runnerPodTemplate.metadata.labels["azure.workload.identity/use"]', message: "must be string" },
    ]);
    expectValid(withPatch(helmRelease, { "spec.values": { deeply: { nested: [{ x: 1 }] }, n: 3 } }));
    expectValid(withPatch(terraform, { "spec.values": { subnets: ["a", "b"], count: 2 } }));
  });
});

describe("metadata and top level", () => {
  test("metadata.name must be a DNS-1123 subdomain", () => {
    expectOnly(withPatch(kustomization, { "metadata.name": "AKS-NodePools" }), [
      { path: "metadata.name", message: "must match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" },
    ]);
    expectOnly(withPatch(kustomization, { "metadata.name": "a".repeat(254) }), [
      { path: "metadata.name", message: "must be at most 253 characters long" },
    ]);
    expectOnly(withPatch(kustomization, { "metadata.name": undefined }), [{ path: "metadata", message: 'missing required field "name"' }]);
    expectValid(withPatch(kustomization, { "metadata.name": "aks.nodepools-1" }));
  });

  test("namespace is a DNS-1123 label; labels and annotations are checked", () => {
    expect(validateManifest(withPatch(kustomization, { "metadata.namespace": "flux.system" }))).toEqual([
      { path: "metadata.namespace", message: "must match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
    ]);
    expectOnly(withPatch(kustomization, { "metadata.labels": { "app.kubernetes.io/name": "x".repeat(64) } }), [
      { path: 'metadata.labels["app.kubernetes.io/name"]', message: "must be at most 63 characters long" },
    ]);
    expectOnly(withPatch(kustomization, { "metadata.labels": { tier: "not valid!" } }), [
      { path: "metadata.labels.tier", message: "must match pattern ^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" },
    ]);
    expectOnly(withPatch(kustomization, { "metadata.labels": { "Not A Key": "x" } }), [
      { path: "metadata.labels", message: 'invalid key "Not A Key": name part must match ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$' },
    ]);
    expectOnly(withPatch(kustomization, { "metadata.annotations": { "kustomize.toolkit.fluxcd.io/reconcile": 1 } }), [
      { path: 'metadata.annotations["kustomize.toolkit.fluxcd.io/reconcile"]', message: "must be string" },
    ]);
    expectValid(
      withPatch(kustomization, { "metadata.annotations": { "kustomize.toolkit.fluxcd.io/reconcile": "disabled", note: "free text: ok!" } }),
    );
  });

  test("server-set metadata and status are rejected", () => {
    expectOnly(withPatch(kustomization, { "metadata.uid": "123", "metadata.creationTimestamp": null, status: {} }), [
      { path: "", message: 'unknown field "status"' },
      { path: "metadata", message: 'unknown field "uid"' },
      { path: "metadata", message: 'unknown field "creationTimestamp"' },
    ]);
    expectOnly(withPatch(kustomization, { data: {} }), [{ path: "", message: 'unknown field "data"' }]);
  });

  test("keys with undefined values count as absent, like after serialization", () => {
    expectValid({ ...kustomization, spec: { ...kustomization.spec, suspend: undefined } });
  });

  test("not an object, or no apiVersion/kind", () => {
    expect(validateManifest("kind: Kustomization")).toEqual([{ path: "", message: "manifest must be an object, got string" }]);
    expect(validateManifest([kustomization])).toEqual([{ path: "", message: "manifest must be an object, got array" }]);
    expect(validateManifest({ metadata: { name: "x" } })).toEqual([
      { path: "", message: 'missing required field "apiVersion"' },
      { path: "", message: 'missing required field "kind"' },
    ]);
  });
});

describe("lookup", () => {
  test("unknown apiVersion/kind is one issue", () => {
    expectOnly({ apiVersion: "v1", kind: "Pod", metadata: { name: "x" } }, [{ path: "", message: "no schema for v1 Pod" }]);
    // removed versions are not served any more
    expectOnly(withPatch(kustomization, { apiVersion: "kustomize.toolkit.fluxcd.io/v1beta2" }), [
      { path: "", message: "no schema for kustomize.toolkit.fluxcd.io/v1beta2 Kustomization" },
    ]);
    expect(hasSchemaFor("notification.toolkit.fluxcd.io/v1", "Alert")).toBe(false);
    expect(hasSchemaFor("notification.toolkit.fluxcd.io/v1beta3", "Alert")).toBe(true);
    expect(hasSchemaFor("v1", "Namespace")).toBe(true);
    expect(hasSchemaFor("$comment", "")).toBe(false);
  });

  test("the deprecated but served Terraform v1alpha1 is found and marked deprecated", () => {
    expect(hasSchemaFor("infra.contrib.fluxcd.io/v1alpha1", "Terraform")).toBe(true);
    expect(schemaInfo("infra.contrib.fluxcd.io/v1alpha1", "Terraform")).toMatchObject({
      deprecated: true,
      served: true,
      scope: "Namespaced",
      source: "infra.contrib.fluxcd.io_terraforms.yaml",
    });
    expect(schemaInfo("infra.contrib.fluxcd.io/v1alpha2", "Terraform")).toMatchObject({ deprecated: false, served: true });
    const v1alpha1 = withPatch(terraform, { apiVersion: "infra.contrib.fluxcd.io/v1alpha1" });
    // v1alpha1 has no runnerPodTemplate.spec.resources (added in v1alpha2)
    expectOnly(v1alpha1, [{ path: "spec.runnerPodTemplate.spec", message: 'unknown field "resources"' }]);
    expectValid(withPatch(v1alpha1, { "spec.runnerPodTemplate.spec.resources": undefined }));
  });
});

describe("built-in kinds", () => {
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system", labels: { "toolkit.fluxcd.io/tenant": "platform" } } };
  const sa = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "tf-runner", namespace: "flux-system", annotations: { "azure.workload.identity/client-id": "abc" } },
    automountServiceAccountToken: true,
  };
  const rule = { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"], resourceNames: ["tfstate-default-aks"] };
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "tf-runner", namespace: "flux-system" },
    rules: [rule],
  };
  const roleBinding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "tf-runner", namespace: "flux-system" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "tf-runner" },
    subjects: [{ kind: "ServiceAccount", name: "tf-runner", namespace: "flux-system" }],
  };
  const clusterRole = { ...role, kind: "ClusterRole", metadata: { name: "tf-runner-read" } };
  const clusterRoleBinding = {
    ...roleBinding,
    kind: "ClusterRoleBinding",
    metadata: { name: "tf-runner-read" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tf-runner-read" },
  };

  test("valid built-ins pass", () => {
    for (const m of [ns, sa, role, roleBinding, clusterRole, clusterRoleBinding]) expectValid(m);
  });

  test("built-ins are strict too", () => {
    expectOnly(withPatch(ns, { spec: { finalizers: ["kubernetes"] } }), [{ path: "", message: 'unknown field "spec"' }]);
    expectOnly(withPatch(ns, { "metadata.namespace": "default" }), [
      { path: "metadata", message: 'unknown field "namespace" (Namespace is cluster-scoped)' },
    ]);
    expectOnly(withPatch(sa, { automountServiceAccountToken: "false" }), [
      { path: "automountServiceAccountToken", message: "must be boolean" },
    ]);
    expectOnly(withPatch(role, { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: [] }] }), [
      { path: "rules[0].verbs", message: "must have at least 1 item" },
    ]);
    expectOnly(withPatch(role, { rules: [{ resources: ["secrets"], verb: ["get"] }] }), [
      { path: "rules[0]", message: 'missing required field "verbs"' },
      { path: "rules[0]", message: 'unknown field "verb"' },
    ]);
    expectOnly(withPatch(roleBinding, { roleRef: undefined }), [{ path: "", message: 'missing required field "roleRef"' }]);
    expectOnly(withPatch(roleBinding, { "roleRef.apiGroup": undefined }), [
      { path: "roleRef", message: 'missing required field "apiGroup"' },
    ]);
    expectOnly(withPatch(roleBinding, { subjects: [{ kind: "serviceaccount", name: "tf-runner" }] }), [
      { path: "subjects[0].kind", message: "must be one of: ServiceAccount, User, Group" },
    ]);
    expectOnly(withPatch(clusterRoleBinding, { "roleRef.kind": "Role" }), [
      { path: "roleRef.kind", message: "must be one of: ClusterRole" },
    ]);
  });
});

describe("crd-schemas.json", () => {
  const committed = fs.readFileSync(SCHEMA_FILE, "utf8");

  // That it equals what the upstream CRDs derive is checked by `npm run check:upstream` (CI): a clone has no upstream CRDs.
  test.each(FLUX_TARGETS)("Flux %s: the derived CRD fixtures carry exactly its schemas, and deriving them again changes nothing", (t) => {
    const json = JSON.parse(fs.readFileSync(path.join(__dirname, "..", ...schemaFileOf(t).split("/")), "utf8")) as Record<string, unknown>;
    // The committed CRD fixtures derived from the upstream CRDs (npm run check:upstream, CI, checks them against upstream).
    const dir = path.join(__dirname, "..", ...testCrdDirOf(t).split("/"));
    expect(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort(),
    ).toEqual([...TEST_CRD_FILES].sort());
    const { entries } = deriveEntries(dir);
    const alerts = t === "2.9" ? ["v1beta3"] : ["v1beta2", "v1beta3"];
    expect(Object.keys(entries)).toEqual(alerts.map((v) => `notification.toolkit.fluxcd.io/${v}/Alert`));
    for (const [key, entry] of Object.entries(entries)) expect({ key, entry }).toEqual({ key, entry: json[key] });
    for (const file of TEST_CRD_FILES) {
      const fixture = fs.readFileSync(path.join(dir, file), "utf8");
      expect({ file, derivedAgain: deriveTestCrd(fixture, file) }).toEqual({ file, derivedAgain: fixture });
    }
  });

  test("has every served version, no descriptions/defaults/CEL, and lists the dropped CEL rules", () => {
    const json = JSON.parse(committed) as Record<string, unknown>;
    expect(
      Object.keys(json)
        .filter((k) => !k.startsWith("$"))
        .sort(),
    ).toEqual([
      "helm.toolkit.fluxcd.io/v2/HelmRelease",
      "infra.contrib.fluxcd.io/v1alpha1/Terraform",
      "infra.contrib.fluxcd.io/v1alpha2/Terraform",
      "kustomize.toolkit.fluxcd.io/v1/Kustomization",
      "notification.toolkit.fluxcd.io/v1/Receiver",
      "notification.toolkit.fluxcd.io/v1beta3/Alert",
      "notification.toolkit.fluxcd.io/v1beta3/Provider",
      "source.toolkit.fluxcd.io/v1/GitRepository",
      "source.toolkit.fluxcd.io/v1/HelmRepository",
      "source.toolkit.fluxcd.io/v1/OCIRepository",
    ]);
    // only the structural keywords survive (property names are walked, not checked: "default" is a valid field name)
    const allowed = new Set([
      "type",
      "properties",
      "items",
      "additionalProperties",
      "required",
      "enum",
      "pattern",
      "format",
      "minimum",
      "maximum",
      "minLength",
      "maxLength",
      "minItems",
      "maxItems",
      "nullable",
      "x-kubernetes-int-or-string",
      "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-embedded-resource",
    ]);
    const seen = new Set<string>();
    const walk = (node: Record<string, unknown>): void => {
      for (const [k, v] of Object.entries(node)) {
        seen.add(k);
        if (k === "properties") for (const sub of Object.values(v as Record<string, Record<string, unknown>>)) walk(sub);
        if ((k === "items" || k === "additionalProperties") && typeof v === "object") walk(v as Record<string, unknown>);
      }
    };
    for (const [k, v] of Object.entries(json)) if (!k.startsWith("$")) walk((v as { schema: Record<string, unknown> }).schema);
    expect([...seen].filter((k) => !allowed.has(k))).toEqual([]);
    expect(seen).toContain("x-kubernetes-int-or-string");
    expect(seen).toContain("x-kubernetes-preserve-unknown-fields");
    expect(committed.length).toBeLessThan(150_000);
    const comment = (json.$comment as string[]).join("\n");
    expect(comment).toContain("helm.toolkit.fluxcd.io/v2/HelmRelease spec: either chart or chartRef must be set");
    expect(comment).toContain(
      "source.toolkit.fluxcd.io/v1/GitRepository spec: serviceAccountName can only be set when provider is 'azure' or 'aws'",
    );
  });

  test("every schema is found and its patterns are valid ECMAScript regexes (in unicode mode, as they are used)", () => {
    const json = JSON.parse(committed) as Record<string, unknown>;
    const patterns: string[] = [];
    const walk = (node: Record<string, unknown>): void => {
      if (typeof node.pattern === "string") patterns.push(node.pattern);
      for (const sub of Object.values((node.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(sub);
      for (const k of ["items", "additionalProperties"]) if (typeof node[k] === "object") walk(node[k] as Record<string, unknown>);
    };
    for (const key of Object.keys(json).filter((k) => !k.startsWith("$"))) {
      const slash = key.lastIndexOf("/");
      const issues = validateManifest({ apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), metadata: { name: "x" } });
      expect(issues.some((i) => i.message.startsWith("no schema"))).toBe(false);
      walk((json[key] as { schema: Record<string, unknown> }).schema);
    }
    expect(patterns.length).toBeGreaterThan(40);
    for (const p of patterns) expect(() => new RegExp(p, "u")).not.toThrow();
  });
});

test("schemas are prepared lazily, once per kind and set of schema patches", () => {
  jest.isolateModules(() => {
    const fresh = require("../lib/schema/manifest-validator") as typeof import("../lib/schema/manifest-validator");
    expect(fresh.preparedSchemaCount()).toBe(0);
    fresh.validateManifest(kustomization);
    fresh.validateManifest(withPatch(kustomization, { "metadata.name": "other" }));
    expect(fresh.preparedSchemaCount()).toBe(1);
    fresh.validateManifest({ apiVersion: "v1", kind: "Pod", metadata: { name: "x" } });
    expect(fresh.preparedSchemaCount()).toBe(1);
    const patch = {
      key: "notification.toolkit.fluxcd.io/v1beta3/Alert",
      path: "/properties/spec/properties/eventSources/items/properties/kind/enum/-",
      value: "Terraform",
    };
    // a patch for another kind does not make a new one
    fresh.validateManifest(kustomization, [patch]);
    expect(fresh.preparedSchemaCount()).toBe(1);
    fresh.validateManifest(alert, [patch]);
    fresh.validateManifest(withPatch(alert, { "metadata.name": "other" }), [patch]);
    expect(fresh.preparedSchemaCount()).toBe(2);
  });
});
