import * as fs from "fs";
import * as path from "path";
import { kubectlAvailable, kustomizeProblems } from "./kustomize-build";
import { recordProblems } from "./record-check";
import { schemaProblems } from "./schema-check";

export interface ValidateOptions {
  /** The GitOps repo (the directory with `.gitops-generated.json`). */
  readonly dir: string;
  /**
   * Build every kustomization folder with `kubectl kustomize`. Off: no build (and no kubectl needed).
   * @default true
   */
  readonly kustomize?: boolean;
}

export interface ValidateResult {
  /** One line per problem; empty when the repo is valid. */
  readonly problems: string[];
  /** What was checked, for the summary line. */
  readonly summary: string;
}

/**
 * Checks a GitOps repo as CI needs it, without Azure, a cluster or running the app: every kustomization folder under
 * `clusters/` builds (with stand-ins for the files `flux bootstrap` owns), every object matches the bundled CRD
 * schemas of its cluster's target with that cluster's CRD patches, and the ownership record matches the files.
 * State safety is not checked here: it needs the acknowledgements the app declares, so it stays in synth.
 */
export function validateRepo(options: ValidateOptions): ValidateResult {
  const root = path.resolve(options.dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) return { problems: [`${root}: not a directory`], summary: "" };
  const clustersDir = path.join(root, "clusters");
  const clusters = fs.existsSync(clustersDir)
    ? fs
        .readdirSync(clustersDir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
  const problems = recordProblems(root);
  if (clusters.length === 0) problems.push("clusters/: no cluster folder (synthesize the app first)");

  let built = "kustomize builds skipped (--no-kustomize)";
  if (options.kustomize !== false) {
    if (kubectlAvailable()) {
      for (const c of clusters) problems.push(...kustomizeProblems(root, c));
      built = `kustomize builds of ${clusters.length} cluster folder${clusters.length === 1 ? "" : "s"}`;
    } else {
      problems.push("kubectl is not on the PATH: the kustomize builds were skipped (install kubectl, or pass --no-kustomize)");
      built = "kustomize builds skipped (no kubectl)";
    }
  }
  const schemas = schemaProblems(root, clusters);
  problems.push(...schemas.problems);
  const summary =
    `${built}; ${schemas.checked} objects checked against the CRD schemas` +
    (schemas.skipped ? ` (${schemas.skipped} of other API groups not checked)` : "") +
    "; ownership record checked";
  return { problems, summary };
}
