import { checkKeyPrefixLength } from "../core/kubernetes-limits";
import { PropChecks } from "../core/validation";
import {
  GuardedNodePoolProps,
  NodePoolGuardrails,
  NodePoolMode,
  NodePoolOsDiskType,
  NodePoolOsSku,
  NodePoolOsType,
  SpotEvictionPolicy,
  TaintEffect,
} from "./guarded-node-pool-props";
import { NodePoolCluster } from "./node-pool-cluster";
import { validatePoolHostSettings } from "./node-pool-host-settings";
import { validatePoolNetwork } from "./node-pool-network";
import { isSpotLabel, validateSpotUpgradeSettings, validateVmSizeSpelling } from "./node-pool-steady-state";

/** The AKS limit on nodes per pool: the bound of every count and the default ceiling. */
export const AKS_MAX_NODES = 1000;
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const LINUX_SKUS = [NodePoolOsSku.AZURE_LINUX, NodePoolOsSku.AZURE_LINUX_3, NodePoolOsSku.UBUNTU, NodePoolOsSku.UBUNTU_2204];
const WINDOWS_SKUS = [NodePoolOsSku.WINDOWS_2019, NodePoolOsSku.WINDOWS_2022];
const RESERVED_LABEL_PREFIXES = ["kubernetes.io/", "kubernetes.azure.com/"];
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const SURGE = /^([1-9][0-9]*|([1-9][0-9]?|100)%)$/;
const VERSION = /^1\.[0-9]{1,2}(\.[0-9]{1,2})?$/;
/** Azure tag names: at most 512 characters, none of `<>%&\?/` (Azure Resource Manager). */
const TAG_NAME = /^[^<>%&\\?/]{1,512}$/;

/** The guardrails a pool is checked against, defaults filled in. */
export type ResolvedGuardrails = Required<Pick<NodePoolGuardrails, "minCountFloor" | "maxCountCeiling">> &
  Pick<NodePoolGuardrails, "allowedVmSizes">;

/** The props' guardrails with their defaults: floor 3, the AKS limit as ceiling, any VM size. */
export function resolveGuardrails(given: NodePoolGuardrails | undefined): ResolvedGuardrails {
  return {
    minCountFloor: given?.minCountFloor ?? 3,
    maxCountCeiling: given?.maxCountCeiling ?? AKS_MAX_NODES,
    allowedVmSizes: given?.allowedVmSizes,
  };
}

/** The props as the construct resolved them (defaults filled in). */
export interface ResolvedPoolProps {
  readonly mode: NodePoolMode;
  readonly osType: NodePoolOsType;
  readonly temporaryName: string;
  readonly guardrails: ResolvedGuardrails;
  /** False when an earlier pool uses the same NodePoolCluster object: a bad cluster is one mistake, one message. */
  readonly checksCluster: boolean;
}

/** Every prop of a GuardedNodePool, in the order the messages are reported. */
export function validateNodePoolProps(c: PropChecks, p: GuardedNodePoolProps, r: ResolvedPoolProps): void {
  validateCluster(c, p, r);
  validateNames(c, p, r);
  const guardsOk = validateGuardrailCounts(c, p.guardrails, r.guardrails);
  const minOk = validateCounts(c, p, r.guardrails, guardsOk);
  validateVmSize(c, p.vmSize, r.guardrails);
  validateModeAndOs(c, p, r, minOk);
  validateZones(c, p.zones);
  validateNodeLabels(c, p.nodeLabels, !!p.spot);
  validateNodeTaints(c, p.nodeTaints);
  validateUpgradeSettings(c, p);
  validateSpot(c, p.spot);
  validateTags(c, p.tags);
  validatePoolNetwork(c, p);
  validatePoolHostSettings(c, p);
  c.check(typeof (p.preventDestroy ?? true) === "boolean", "preventDestroy", p.preventDestroy, "true or false");
}

function validateCluster(c: PropChecks, p: GuardedNodePoolProps, r: ResolvedPoolProps): void {
  if (p.cluster instanceof NodePoolCluster) {
    if (r.checksCluster) p.cluster._validate(c);
  } else c.fail("cluster", p.cluster, "a NodePoolCluster: NodePoolCluster.fromClusterId(…), .fromClusterName(…) or .fromCluster(…)");
}

/** The pool name and its rotation name. */
function validateNames(c: PropChecks, p: GuardedNodePoolProps, r: ResolvedPoolProps): void {
  const nameMax = r.osType === NodePoolOsType.WINDOWS ? 6 : 12;
  const nameRule =
    `a lower-case letter, then lower-case letters and digits, 1 to ${nameMax} ` +
    `characters${r.osType === NodePoolOsType.WINDOWS ? " (Windows)" : ""}`;
  if (p.name === undefined) c.fail("name", p.name, nameRule); // required; only a JavaScript caller can leave it out
  const nameOk = p.name !== undefined && c.pattern("name", p.name, POOL_NAME, nameRule);
  if (nameOk) c.check(p.name.length <= nameMax, "name", p.name, nameRule);
  // A derived rotation name is valid whenever the name is; only a given one needs its own message.
  if ((nameOk || p.temporaryNameForRotation !== undefined) && c.pattern("temporaryNameForRotation", r.temporaryName, POOL_NAME, nameRule)) {
    c.check(
      r.temporaryName.length <= nameMax && r.temporaryName !== p.name,
      "temporaryNameForRotation",
      r.temporaryName,
      `${nameRule}, different from name`,
    );
  }
}

/** The floor and ceiling; true when counts can be held to them. */
function validateGuardrailCounts(c: PropChecks, given: NodePoolGuardrails | undefined, g: ResolvedGuardrails): boolean {
  c.record("guardrails", given, "an object { minCountFloor?, maxCountCeiling?, allowedVmSizes? }");
  const floorOk = c.integer("guardrails.minCountFloor", g.minCountFloor, 0, AKS_MAX_NODES);
  const ceilingOk = c.integer("guardrails.maxCountCeiling", g.maxCountCeiling, 0, AKS_MAX_NODES);
  if (floorOk && ceilingOk)
    c.check(
      g.minCountFloor <= g.maxCountCeiling,
      "guardrails.maxCountCeiling",
      g.maxCountCeiling,
      `at least guardrails.minCountFloor (${g.minCountFloor})`,
    );
  // Guardrails that contradict each other are one mistake: no count could satisfy them, so counts are not held to them.
  return floorOk && ceilingOk && g.minCountFloor <= g.maxCountCeiling;
}

/** minCount, maxCount and nodeCount; returns whether minCount is a valid count. */
function validateCounts(c: PropChecks, p: GuardedNodePoolProps, g: ResolvedGuardrails, guardsOk: boolean): boolean {
  const minOk = c.integer("minCount", p.minCount, 0, AKS_MAX_NODES);
  const maxOk = c.integer("maxCount", p.maxCount, 0, AKS_MAX_NODES);
  if (minOk && guardsOk)
    c.check(
      p.minCount >= g.minCountFloor,
      "minCount",
      p.minCount,
      `at least the floor guardrails.minCountFloor = ${g.minCountFloor} (range ${g.minCountFloor}..${AKS_MAX_NODES})`,
    );
  if (maxOk && guardsOk)
    c.check(
      p.maxCount <= g.maxCountCeiling,
      "maxCount",
      p.maxCount,
      `at most the ceiling guardrails.maxCountCeiling = ${g.maxCountCeiling}`,
    );
  const rangeOk = minOk && maxOk && p.minCount <= p.maxCount;
  if (minOk && maxOk) c.check(rangeOk, "maxCount", p.maxCount, `at least minCount (${p.minCount})`);
  if (rangeOk) c.check(p.maxCount >= 1, "maxCount", p.maxCount, "at least 1 (a pool that can never have a node)");
  if (p.nodeCount !== undefined && c.integer("nodeCount", p.nodeCount, 0, AKS_MAX_NODES) && rangeOk) {
    c.check(
      p.nodeCount >= p.minCount && p.nodeCount <= p.maxCount,
      "nodeCount",
      p.nodeCount,
      `a count within [minCount, maxCount] = [${p.minCount}, ${p.maxCount}]`,
    );
  }
  return minOk;
}

/**
 * The VM size, its spelling and the allowed sizes guardrail. One mistake, one message: with an allow list, a size
 * outside it gets only the allow-list message (it names every size that would do), not the size pattern's too.
 */
function validateVmSize(c: PropChecks, vmSize: string, g: ResolvedGuardrails): void {
  if (!c.literal("vmSize", vmSize)) return;
  if (g.allowedVmSizes !== undefined && c.literal("guardrails.allowedVmSizes", g.allowedVmSizes)) {
    c.check(
      Array.isArray(g.allowedVmSizes) && g.allowedVmSizes.length > 0,
      "guardrails.allowedVmSizes",
      g.allowedVmSizes,
      "at least one VM size (leave it unset to allow any size)",
    );
  }
  const allowList = Array.isArray(g.allowedVmSizes) && g.allowedVmSizes.length > 0 ? g.allowedVmSizes : undefined;
  if (allowList && !allowList.map((s) => s.toLowerCase()).includes(String(vmSize).toLowerCase())) {
    c.fail("vmSize", vmSize, `one of guardrails.allowedVmSizes: ${allowList.join(", ")}`);
    return;
  }
  const wellFormed = typeof vmSize === "string" && /^Standard_[A-Za-z0-9_]+$/.test(vmSize);
  c.check(wellFormed, "vmSize", vmSize, "an Azure VM size such as Standard_D2s_v3");
  if (wellFormed) validateVmSizeSpelling(c, vmSize);
}

/** Mode, OS, OS disk, pods per node and Kubernetes version, and what a System pool needs of them. */
function validateModeAndOs(c: PropChecks, p: GuardedNodePoolProps, r: ResolvedPoolProps, minOk: boolean): void {
  c.oneOf("mode", r.mode, Object.values(NodePoolMode));
  c.oneOf("osType", r.osType, Object.values(NodePoolOsType));
  if (r.mode === NodePoolMode.SYSTEM) {
    c.check(r.osType === NodePoolOsType.LINUX, "osType", r.osType, "Linux for a System pool");
    c.check(
      !p.spot,
      "spot",
      p.spot,
      "unset for a System pool (System pools run on Regular priority; a Spot pool needs mode: NodePoolMode.USER)",
    );
    if (minOk) c.check(p.minCount >= 1, "minCount", p.minCount, "at least 1 for a System pool");
  }
  if (p.osSku !== undefined && c.oneOf("osSku", p.osSku, Object.values(NodePoolOsSku))) {
    const skus = r.osType === NodePoolOsType.WINDOWS ? WINDOWS_SKUS : LINUX_SKUS;
    c.check(skus.includes(p.osSku), "osSku", p.osSku, `an ${r.osType} SKU: ${skus.join(", ")}`);
  }
  if (p.maxPods !== undefined) {
    const min = r.mode === NodePoolMode.SYSTEM ? 30 : 10;
    c.integer("maxPods", p.maxPods, min, 250);
  }
  c.integer("osDiskSizeGb", p.osDiskSizeGb, 1, 2048);
  c.oneOf("osDiskType", p.osDiskType, Object.values(NodePoolOsDiskType));
  c.pattern("orchestratorVersion", p.orchestratorVersion, VERSION, "a Kubernetes version 1.xx or 1.xx.y");
}

function validateZones(c: PropChecks, zones: string[] | undefined): void {
  if (zones === undefined || !c.literal("zones", zones)) return;
  const zonesOk = Array.isArray(zones) && zones.every((z) => ["1", "2", "3"].includes(z));
  c.check(zonesOk, "zones", zones, `zones from "1", "2", "3"`);
  if (zonesOk) c.check(new Set(zones).size === zones.length, "zones", zones, "each zone once");
}

function validateNodeLabels(c: PropChecks, labels: Record<string, string> | undefined, spot: boolean): void {
  if (
    labels === undefined ||
    !c.literal("nodeLabels", labels) ||
    !c.record("nodeLabels", labels, 'an object of label keys to values, e.g. { workload: "batch" }')
  )
    return;
  for (const [k, v] of Object.entries(labels)) {
    c.check(
      !RESERVED_LABEL_PREFIXES.some((pre) => k.startsWith(pre)) || isSpotLabel(k, v, spot),
      `nodeLabels[${JSON.stringify(k)}]`,
      k,
      `a key outside the reserved prefixes ${RESERVED_LABEL_PREFIXES.join(", ")}`,
    );
    const keyOk = LABEL_KEY.test(k);
    c.check(keyOk, `nodeLabels[${JSON.stringify(k)}]`, k, "a Kubernetes label key ([prefix/]name, name 1 to 63 characters)");
    if (keyOk) checkKeyPrefixLength(c, `nodeLabels[${JSON.stringify(k)}]`, k);
    c.check(
      typeof v === "string" && LABEL_VALUE.test(v),
      `nodeLabels[${JSON.stringify(k)}]`,
      v,
      "a Kubernetes label value (0 to 63 letters, digits, '-', '_', '.', alphanumeric at both ends)",
    );
  }
}

function validateNodeTaints(c: PropChecks, taints: GuardedNodePoolProps["nodeTaints"]): void {
  if (
    taints === undefined ||
    !c.literal("nodeTaints", taints) ||
    !c.arrayOfObjects("nodeTaints", taints, "an array of { key, value?, effect } taints")
  )
    return;
  taints.forEach((t, i) => {
    const taintKeyOk = LABEL_KEY.test(t.key);
    c.check(taintKeyOk, `nodeTaints[${i}].key`, t.key, "a Kubernetes taint key ([prefix/]name)");
    if (taintKeyOk) checkKeyPrefixLength(c, `nodeTaints[${i}].key`, t.key);
    if (t.value !== undefined)
      c.check(LABEL_VALUE.test(t.value), `nodeTaints[${i}].value`, t.value, "a taint value (0 to 63 letters, digits, '-', '_', '.')");
    c.oneOf(`nodeTaints[${i}].effect`, t.effect, Object.values(TaintEffect));
  });
}

function validateUpgradeSettings(c: PropChecks, p: GuardedNodePoolProps): void {
  const u = p.upgradeSettings;
  validateSpotUpgradeSettings(c, u, !!p.spot);
  if (!c.record("upgradeSettings", u, "an object { maxSurge?, maxUnavailable?, drainTimeoutInMinutes?, nodeSoakDurationInMinutes? }") || !u)
    return;
  c.check(
    !(u.maxSurge !== undefined && u.maxUnavailable !== undefined),
    "upgradeSettings",
    u,
    "exactly one of maxSurge and maxUnavailable",
  );
  c.pattern("upgradeSettings.maxSurge", u.maxSurge, SURGE, `a node count ("1") or a percentage from 1% to 100% ("33%")`);
  c.pattern("upgradeSettings.maxUnavailable", u.maxUnavailable, SURGE, `a node count ("1") or a percentage from 1% to 100% ("33%")`);
  c.integer("upgradeSettings.drainTimeoutInMinutes", u.drainTimeoutInMinutes, 0, 1440);
  c.integer("upgradeSettings.nodeSoakDurationInMinutes", u.nodeSoakDurationInMinutes, 0, 30);
}

function validateSpot(c: PropChecks, spot: GuardedNodePoolProps["spot"]): void {
  if (!c.record("spot", spot, "an object { evictionPolicy?, maxPrice? }") || !spot) return;
  c.oneOf("spot.evictionPolicy", spot.evictionPolicy, Object.values(SpotEvictionPolicy));
  const price = spot.maxPrice;
  if (price !== undefined && c.literal("spot.maxPrice", price)) {
    // Decimals counted on the number itself (0.07 * 1e5 is 7000.000000000001): at most 5 if rounding to 5 keeps it.
    const ok = price === -1 || (typeof price === "number" && price > 0 && Number.isFinite(price) && Number(price.toFixed(5)) === price);
    c.check(ok, "spot.maxPrice", price, "-1 (up to the on-demand price) or a positive price with at most 5 decimals");
  }
}

function validateTags(c: PropChecks, tags: Record<string, string> | undefined): void {
  if (
    tags === undefined ||
    !c.literal("tags", tags) ||
    !c.record("tags", tags, 'an object of tag names to values, e.g. { team: "platform" }')
  )
    return;
  for (const [k, v] of Object.entries(tags)) {
    c.check(TAG_NAME.test(k), `tags[${JSON.stringify(k)}]`, k, "an Azure tag name: 1 to 512 characters, none of < > % & \\ ? /");
    c.check(
      typeof v === "string" && v.length <= 256,
      `tags[${JSON.stringify(k)}]`,
      v,
      "an Azure tag value: a string of at most 256 characters",
    );
  }
}
