import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { checkCrdSchemas } from "../checks/crd-schemas";
import { fluxVersionOfComponents, gotkComponentsPath } from "../checks/flux-version";
import { bootstrapFolder } from "../core/repo-layout";
import { AKS_EXTENSION_FLUX_TARGET, fluxOfExtensionVersion, FluxTarget, hasSchemaFor, isFluxTarget } from "../schema/manifest-validator";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";

const NO_REPO: RepoView = { record: undefined, read: () => undefined };
/** API groups the library bundles schemas for: an object of these groups without a schema is a wrong apiVersion. */
const KNOWN_GROUP = /(^|\.)fluxcd\.io\//;
const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/";

/**
 * The Flux target (the CRD set objects are checked against) of each cluster, from what the repo shows without the
 * app: the `# Flux Version:` header of the cluster's gotk-components.yaml (flux CLI mode, once bootstrapped), or the
 * `microsoft.flux` extension in `bootstrap/<cluster>/main.tf.json` (its pinned version's Flux, else the extension's
 * default). Clusters not in the map are checked against the default (Flux 2.9). The app's declared `fluxVersion` is
 * not visible here; the synth checks it against the same header.
 */
export function fluxTargetsOf(root: string, clusters: readonly string[]): ReadonlyMap<string, FluxTarget> {
  const targets = new Map<string, FluxTarget>();
  for (const cluster of clusters) {
    const components = readIfFile(path.join(root, gotkComponentsPath(cluster)));
    const fromHeader = components === undefined ? undefined : fluxVersionOfComponents(components);
    const target = isFluxTarget(fromHeader)
      ? fromHeader
      : aksExtensionTarget(readIfFile(path.join(root, bootstrapFolder(cluster), "main.tf.json")));
    if (target) targets.set(cluster, target);
  }
  return targets;
}

function aksExtensionTarget(terraform: string | undefined): FluxTarget | undefined {
  if (terraform === undefined) return undefined;
  let tf: { resource?: { azurerm_kubernetes_cluster_extension?: Record<string, { extension_type?: unknown; version?: unknown }> } };
  try {
    tf = JSON.parse(terraform);
  } catch {
    return undefined;
  }
  const flux = Object.values(tf.resource?.azurerm_kubernetes_cluster_extension ?? {}).find((e) => e?.extension_type === "microsoft.flux");
  if (!flux) return undefined;
  return (typeof flux.version === "string" ? fluxOfExtensionVersion(flux.version) : undefined) ?? AKS_EXTENSION_FLUX_TARGET;
}

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Every object under `clusters/` against the bundled CRD schemas of its cluster's target, with the CRD patches of
 * that cluster's kustomization.yaml files, exactly as the synth's check does. Objects of API groups the library has
 * no schemas for (a team's Deployments, `flux bootstrap`'s CRDs) are not checked; the count is returned.
 */
export function schemaProblems(root: string, clusters: readonly string[]): { problems: string[]; checked: number; skipped: number } {
  const targets = fluxTargetsOf(root, clusters);
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
          apiVersion.startsWith(KUSTOMIZE_CONFIG) ||
          KNOWN_GROUP.test(apiVersion) ||
          hasSchemaFor(apiVersion, String(doc.kind), targets.get(cluster));
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
