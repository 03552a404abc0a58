import { PropChecks } from "../core/validation";

/**
 * The host and GPU settings of a GuardedNodePool (issue #18): scale-down mode, encryption at host, FIPS, the MIG
 * profile and the GPU driver, their checks and what is written. `NP` = internal/services/containers/
 * kubernetes_cluster_node_pool_resource.go of hashicorp/terraform-provider-azurerm; the attributes are the same at
 * v4.55.0 and v4.73.0 (docs/steady-state-audit.md).
 */

/** The values as the provider validates them; the props' enums (GuardedNodePoolProps) carry the same strings. */
export const SCALE_DOWN_MODES = ["Delete", "Deallocate"] as const; // NP:364-372@v4.55.0, NP:412-420@v4.73.0
export const GPU_INSTANCE_PROFILES = ["MIG1g", "MIG2g", "MIG3g", "MIG4g", "MIG7g"] as const; // NP:190-201@v4.55.0, NP:232-243@v4.73.0
/**
 * agentpools.PossibleValuesForGPUDriver (vendor/github.com/hashicorp/go-azure-sdk/resource-manager/containerservice/
 * 2025-07-01/agentpools/constants.go:148-153@v4.55.0; 2025-10-01/agentpools/constants.go:189-194@v4.73.0).
 */
export const GPU_DRIVERS = ["Install", "None"] as const;

/** The props this module reads (GuardedNodePoolProps' fields; structural, so it imports nothing of the construct). */
export interface PoolHostProps {
  readonly scaleDownMode?: string;
  readonly hostEncryptionEnabled?: boolean;
  readonly fipsEnabled?: boolean;
  readonly gpuInstance?: string;
  readonly gpuDriver?: string;
  readonly osDiskType?: string;
}

/** Every host and GPU prop. */
export function validatePoolHostSettings(c: PropChecks, p: PoolHostProps): void {
  const modeOk = c.oneOf("scaleDownMode", p.scaleDownMode, SCALE_DOWN_MODES as readonly string[]);
  // AKS cannot deallocate nodes on Ephemeral OS disks (learn.microsoft.com/azure/aks/scale-down-mode, "Limitations";
  // Spot pools, once excluded, are supported since the feature is GA). The provider does not check it: the apply fails.
  if (modeOk && p.scaleDownMode === "Deallocate" && p.osDiskType === "Ephemeral") {
    c.fail("scaleDownMode", p.scaleDownMode, "Delete with osDiskType Ephemeral (AKS deallocates nodes only on Managed OS disks)");
  }
  for (const prop of ["hostEncryptionEnabled", "fipsEnabled"] as const) {
    c.check(p[prop] === undefined || typeof p[prop] === "boolean", prop, p[prop], "true or false");
  }
  c.oneOf("gpuInstance", p.gpuInstance, GPU_INSTANCE_PROFILES as readonly string[]);
  c.oneOf("gpuDriver", p.gpuDriver, GPU_DRIVERS as readonly string[]);
}

/**
 * `gpu_driver` to write. It is Optional+ForceNew, not Computed (NP:203-208@v4.55.0, NP:245-250@v4.73.0), and Read
 * sets it whenever AKS returns a GPU profile (NP:1103-1105@v4.55.0, NP:1151-1153@v4.73.0). AKS returns `Install` for a
 * GPU pool created without it: the provider's "fix tests" change added `gpu_driver = "Install"` to its MIG config
 * (commit f6ec558c6b, #30577; kubernetes_cluster_node_pool_resource_test.go:3375-3377@v4.55.0), whose acceptance
 * step requires an empty plan. Left out, every plan would replace the pool. A MIG profile means a GPU size, so
 * `Install` is written there unless given; on other GPU sizes the prop's docs ask for it.
 */
export function gpuDriverToWrite(p: PoolHostProps): string | undefined {
  return p.gpuDriver ?? (p.gpuInstance !== undefined ? "Install" : undefined);
}

/**
 * The written attributes (as the binding's config names them). `scale_down_mode` (D=Delete, Read writes Delete when
 * AKS omits it: NP:1111-1115@v4.55.0), `host_encryption_enabled` and `fips_enabled` (Optional bools, Read sets what
 * AKS returns, false when absent: NP:1091-1092@v4.55.0) read back as their defaults when left out: written only when
 * given, so a pool that does not use them keeps the bytes it had.
 */
export function poolHostSettingsToWrite(p: PoolHostProps): {
  scaleDownMode?: string;
  hostEncryptionEnabled?: boolean;
  fipsEnabled?: boolean;
  gpuInstance?: string;
  gpuDriver?: string;
} {
  return {
    scaleDownMode: p.scaleDownMode,
    hostEncryptionEnabled: p.hostEncryptionEnabled,
    fipsEnabled: p.fipsEnabled,
    gpuInstance: p.gpuInstance,
    gpuDriver: gpuDriverToWrite(p),
  };
}
