import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { checkCrdSchemas } from "../checks/crd-schemas";
import { FluxTarget, hasSchemaFor } from "../schema/manifest-validator";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";

const NO_REPO: RepoView = { record: undefined, read: () => undefined };
/** API groups the library bundles schemas for: an object of these groups without a schema is a wrong apiVersion. */
const KNOWN_GROUP = /(^|\.)fluxcd\.io\//;
const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/";

/**
 * The Flux target (the CRD set objects are checked against) of each cluster. Today every cluster is checked against
 * the default (Flux 2.9). The seam for per-cluster targets (`fluxVersion` of a cluster, #13 item 4): return them here,
 * e.g. read from what the synth records per cluster; clusters not in the map keep the default.
 */
export function fluxTargetsOf(_root: string, _clusters: readonly string[]): ReadonlyMap<string, FluxTarget> {
  return new Map();
}

/**
 * Every object under `clusters/` against the bundled CRD schemas of its cluster's target, with the CRD patches of
 * that cluster's kustomization.yaml files, exactly as the synth's check does. Objects of API groups the library has
 * no schemas for (a team's Deployments, `flux bootstrap`'s CRDs) are not checked; the count is returned.
 */
export function schemaProblems(root: string, clusters: readonly string[]): { problems: string[]; checked: number; skipped: number } {
  const files: RenderedFile[] = [];
  const problems: string[] = [];
  let checked = 0;
  let skipped = 0;
  for (const cluster of clusters) {
    for (const rel of yamlFiles(path.join(root, "clusters", cluster))) {
      const repoPath = ["clusters", cluster, ...rel.split(path.sep)].join("/");
      const documents: unknown[] = [];
      for (const [i, d] of parseAllDocuments(fs.readFileSync(path.join(root, repoPath), "utf8")).entries()) {
        if (d.errors.length) {
          problems.push(`${repoPath}: document ${i + 1} is not valid YAML: ${d.errors[0].message.split("\n")[0]}`);
          continue;
        }
        const doc = d.toJS() as { apiVersion?: unknown; kind?: unknown } | null;
        if (doc === null || doc === undefined) continue;
        const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
        const checkable =
          apiVersion.startsWith(KUSTOMIZE_CONFIG) || KNOWN_GROUP.test(apiVersion) || hasSchemaFor(apiVersion, String(doc.kind));
        if (!checkable) {
          skipped++;
          continue;
        }
        if (!apiVersion.startsWith(KUSTOMIZE_CONFIG)) checked++;
        documents.push(doc);
      }
      const file = { path: repoPath, source: repoPath, content: { format: "yaml" as const, documents } };
      files.push({ path: repoPath, source: repoPath, bytes: Buffer.alloc(0), sha256: "", file });
    }
  }
  const targets = fluxTargetsOf(root, clusters);
  // The synth's messages start with the construct path; here the file is the source, and the message names it again.
  const found = checkCrdSchemas(files, NO_REPO, { acknowledged: new Set(), fluxTargets: targets }).map((p) =>
    p.replace(/^\[[^\]]*\] /, ""),
  );
  return { problems: [...problems, ...found], checked, skipped };
}

function yamlFiles(dir: string, rel = ""): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const p = path.join(rel, e.name);
      if (e.isDirectory()) return yamlFiles(dir, p);
      return e.isFile() && /\.ya?ml$/.test(e.name) ? [p] : [];
    });
}
