import { roleBindingObject, serviceAccountObject } from "../kubernetes/rbac";

/** ClusterRole of the tofu-controller chart (0.16.5 rbac.yaml) with what a runner needs: Secrets, ConfigMaps, Leases. */
export const TF_RUNNER_CLUSTER_ROLE = "tf-runner-role";

/**
 * The runner's ServiceAccount (annotated with the identity's client id once it is known) and its RoleBinding to the
 * chart's runner ClusterRole in the namespace.
 */
export function runnerServiceAccountDocuments(
  serviceAccountName: string,
  namespace: string,
  clientId: string | undefined,
): Record<string, unknown>[] {
  const sa = serviceAccountObject({
    name: serviceAccountName,
    namespace,
    annotations: clientId !== undefined ? { "azure.workload.identity/client-id": clientId } : undefined,
  });
  const binding = roleBindingObject(
    { name: `${serviceAccountName}-tf-runner`, namespace },
    { kind: "ClusterRole", name: TF_RUNNER_CLUSTER_ROLE },
    [{ name: serviceAccountName, namespace }],
  );
  return [sa, binding];
}
