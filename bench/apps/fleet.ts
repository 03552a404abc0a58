/**
 * The benchmark fleet: `clusters` AKS clusters with `pools` node pools each. Both apps (library and bare cdktf) build
 * their Terraform from these specs, so the Terraform they emit is the same resource for resource.
 */

export const SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
export const RESOURCE_GROUP = "rg-fleet";
export const AZURERM_VERSION = "4.55.0";
export const REPOSITORY_URL = "https://github.com/example/fleet.git";

export interface FleetArgs {
  readonly clusters: number;
  readonly pools: number;
  /** cdktf.out of this run. */
  readonly outdir: string;
  /** GitOps repo of this run (library app only). */
  readonly gitopsRoot: string;
}

export interface PoolSpec {
  readonly name: string;
  readonly vmSize: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly nodeCount: number;
  readonly zones: string[];
  readonly nodeLabels: Record<string, string>;
  readonly tags: Record<string, string>;
}

/** Cluster (and stack/folder) name: a DNS label. */
export function clusterName(i: number): string {
  return `aks${String(i).padStart(4, "0")}`;
}

export function poolSpec(cluster: string, j: number): PoolSpec {
  return {
    name: `pool${j}`,
    vmSize: j % 2 === 0 ? "Standard_D4s_v5" : "Standard_D8s_v5",
    minCount: 3,
    maxCount: 10 + j,
    nodeCount: 3,
    zones: ["1", "2", "3"],
    nodeLabels: { workload: `w${j}` },
    tags: { env: "bench", cluster },
  };
}

export function parseArgs(argv: readonly string[]): FleetArgs {
  const get = (name: string): string => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0 || i + 1 >= argv.length) throw new Error(`missing --${name}`);
    return argv[i + 1];
  };
  return {
    clusters: Number(get("clusters")),
    pools: Number(get("pools")),
    outdir: get("outdir"),
    gitopsRoot: argv.includes("--gitops") ? get("gitops") : "",
  };
}

/** One line of JSON on stdout, read by bench/run.ts. Times in ms since the process started. */
export interface AppReport {
  readonly loadedMs: number;
  readonly constructedMs: number;
  readonly synthesizedMs: number;
  /** process.resourceUsage().maxRSS, in kB (the fallback when /usr/bin/time is missing). */
  readonly maxRssKb: number;
  readonly heapUsedMb: number;
  /** process.cpuUsage() user + system, in ms (the fallback when /usr/bin/time is missing). */
  readonly cpuMs: number;
  readonly resources: number;
}

export function report(r: Omit<AppReport, "cpuMs">): void {
  const cpu = process.cpuUsage();
  process.stdout.write(`BENCH ${JSON.stringify({ ...r, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}
