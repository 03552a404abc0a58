import { CheckOptions } from "../checks";
import { validateManifest } from "../manifest-validator";
import { RepoView } from "../plan";
import { RenderedFile } from "../render";

/** kustomize's own config file is not a Kubernetes object and has no CRD. */
const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/";

/**
 * Every Kubernetes object the library writes is checked against the structural schema of its CRD (Flux 2.9,
 * tofu-controller 0.16.5): a field the API server would silently drop, or a wrong type, enum or pattern, is an error.
 */
export function checkCrdSchemas(files: readonly RenderedFile[], _repo: RepoView, _options: CheckOptions): string[] {
  const problems: string[] = [];
  for (const f of files) {
    if (f.file.content.format !== "yaml") continue;
    f.file.content.documents.forEach((doc, i) => {
      const o = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
      if (typeof o?.apiVersion === "string" && o.apiVersion.startsWith(KUSTOMIZE_CONFIG)) return;
      const what = `${String(o?.kind)} ${String(o?.metadata?.name)} (${f.path}${f.file.content.format === "yaml" && f.file.content.documents.length > 1 ? ` document ${i + 1}` : ""})`;
      for (const issue of validateManifest(doc)) {
        problems.push(`[${f.source}] ${what} field ${issue.path || "(object)"}: ${issue.message}`);
      }
    });
  }
  return problems;
}
