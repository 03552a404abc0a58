import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

/** The files `flux bootstrap` writes into its folder; until it ran, a build gets empty stand-ins for them. */
export const BOOTSTRAP_OWNED_FILES: readonly string[] = ["gotk-components.yaml", "gotk-sync.yaml"];

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** Whether `kubectl` can be run (its client alone; no cluster is contacted). */
export function kubectlAvailable(): boolean {
  const r = spawnSync("kubectl", ["version", "--client"], { stdio: "ignore", env: process.env });
  return r.status === 0;
}

/**
 * Builds every folder with a kustomization file under `clusters/<cluster>/` with `kubectl kustomize`, the way Flux's
 * kustomize-controller builds them. The cluster folder is copied to a temp directory first, where a file `flux
 * bootstrap` owns that a kustomization lists but that is not there yet gets an empty stand-in (the repo is never
 * written). Returns one line per folder that does not build.
 */
export function kustomizeProblems(root: string, cluster: string): string[] {
  const source = path.join(root, "clusters", cluster);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-validate-"));
  try {
    fs.cpSync(source, copy, { recursive: true, verbatimSymlinks: true });
    const folders = kustomizationFolders(copy);
    for (const folder of folders) addBootstrapStandIns(path.join(copy, folder), folder === "");
    const problems: string[] = [];
    for (const folder of folders) {
      const r = spawnSync("kubectl", ["kustomize", path.join(copy, folder)], {
        encoding: "utf8",
        env: process.env,
        maxBuffer: 256 * 1024 * 1024,
      });
      if (r.status !== 0) {
        const reason = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split("\n")[0].replaceAll(copy, source);
        problems.push(`${posix(path.join("clusters", cluster, folder))}: kubectl kustomize failed: ${reason}`);
      }
    }
    return problems;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** Folders (relative, "" for the top) that hold a kustomization file, parents first. */
function kustomizationFolders(dir: string, rel = ""): string[] {
  const here = KUSTOMIZATION_FILES.some((f) => fs.existsSync(path.join(dir, rel, f))) ? [rel] : [];
  const children = fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return [...here, ...children.flatMap((c) => kustomizationFolders(dir, path.join(rel, c)))];
}

/**
 * Stand-ins for what `flux bootstrap` writes: a file it owns that a kustomization lists but that is missing (empty),
 * and, in the cluster folder, a listed folder that is missing (flux CLI mode before bootstrap: the cluster's
 * kustomization.yaml lists `flux-system`), made as bootstrap makes it: a kustomization of its two files.
 */
function addBootstrapStandIns(folder: string, clusterRoot: boolean): void {
  const file = KUSTOMIZATION_FILES.map((f) => path.join(folder, f)).find((f) => fs.existsSync(f));
  if (!file) return;
  let resources: unknown;
  try {
    resources = (parse(fs.readFileSync(file, "utf8")) as { resources?: unknown } | null)?.resources;
  } catch {
    return; // kubectl reports the broken file itself
  }
  if (!Array.isArray(resources)) return;
  for (const r of resources) {
    if (typeof r !== "string" || fs.existsSync(path.join(folder, r))) continue;
    if (BOOTSTRAP_OWNED_FILES.includes(r)) fs.writeFileSync(path.join(folder, r), "");
    else if (clusterRoot && /^[a-z0-9][a-z0-9-]*$/.test(r)) {
      fs.mkdirSync(path.join(folder, r));
      for (const f of BOOTSTRAP_OWNED_FILES) fs.writeFileSync(path.join(folder, r, f), "");
      const listed = BOOTSTRAP_OWNED_FILES.map((f) => `  - ${f}\n`).join("");
      fs.writeFileSync(
        path.join(folder, r, "kustomization.yaml"),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${listed}`,
      );
    }
  }
}

function posix(p: string): string {
  return p.split(path.sep).join("/");
}
