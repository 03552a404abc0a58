import { clusterFolder } from "../core/repo-layout";
import { FluxTarget } from "../schema/manifest-validator";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { CheckOptions } from "./tree-check";

/** What `flux bootstrap` writes into gotk-components.yaml's header, e.g. `# Flux Version: v2.9.4`. */
const FLUX_VERSION_HEADER = /^# Flux Version: v?(\d+)\.(\d+)\.\d+\S*\s*$/m;

/** The Flux minor version ("2.9") a gotk-components.yaml says it installs, or undefined when it has no such header. */
export function fluxVersionOfComponents(text: string): string | undefined {
  const m = FLUX_VERSION_HEADER.exec(text.slice(0, 4096));
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** Where `flux bootstrap` writes the components of a cluster (flux CLI mode). */
export function gotkComponentsPath(clusterName: string): string {
  return `${clusterFolder(clusterName)}/flux-system/gotk-components.yaml`;
}

/**
 * The declared Flux version of each cluster (CheckOptions.fluxTargets) against what the repo shows is installed: the
 * `# Flux Version:` header of the cluster's gotk-components.yaml. The objects are written and checked for the declared
 * target, so another Flux in the repo may drop or refuse fields (or a CRD patch may not apply): refused, saying both.
 * A cluster without the file (not bootstrapped yet, or AKS extension mode) is not checked here.
 */
export function checkFluxVersions(_files: readonly RenderedFile[], repo: RepoView, options: CheckOptions): string[] {
  const problems: string[] = [];
  for (const [cluster, target] of options.fluxTargets ?? new Map<string, FluxTarget>()) {
    const file = gotkComponentsPath(cluster);
    const bytes = repo.read(file);
    const installed = bytes === undefined ? undefined : fluxVersionOfComponents(bytes.toString("utf8"));
    if (installed !== undefined && installed !== target) {
      problems.push(
        `cluster ${cluster}: fluxVersion is ${target}, but ${file} says Flux ${installed} is installed ("# Flux Version:" header): ` +
          `set fluxVersion to "${installed}" (if the library has CRDs for it), or run flux bootstrap with Flux ${target}`,
      );
    }
  }
  return problems;
}
