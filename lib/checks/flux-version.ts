import { bootstrapFolder, clusterFolder, terraformFileOf } from "../core/repo-layout";
import { fluxOfExtensionVersion, FluxTarget, knownExtensionVersions } from "../schema/manifest-validator";
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
export function checkFluxVersions(files: readonly RenderedFile[], repo: RepoView, options: CheckOptions): string[] {
  const problems: string[] = [...checkExtensionVersions(files, options)];
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

/** The Terraform type of an AKS cluster extension, and the extension type that installs Flux. */
const EXTENSION_RESOURCE = "azurerm_kubernetes_cluster_extension";
const FLUX_EXTENSION_TYPE = "microsoft.flux";

/**
 * The declared Flux version of each cluster against the `microsoft.flux` extension version its bootstrap stack pins
 * (`version` of the azurerm_kubernetes_cluster_extension in `bootstrap/<cluster>/main.tf.json`, as rendered: an
 * escape-hatch override included). The extension decides which Flux runs, so a pinned version whose Flux differs from
 * the target, or whose Flux the library does not know, is refused. An extension without `version` auto-upgrades its
 * minor version (azurerm sets auto_upgrade_minor_version then, kubernetes_cluster_extension_resource.go:245@v4.55.0):
 * the repo does not show which Flux it runs, and this check cannot see it.
 */
export function checkExtensionVersions(files: readonly RenderedFile[], options: CheckOptions): string[] {
  const problems: string[] = [];
  for (const [cluster, target] of options.fluxTargets ?? new Map<string, FluxTarget>()) {
    const path = terraformFileOf(bootstrapFolder(cluster));
    const file = files.find((f) => f.path === path);
    if (file?.file.content.format !== "json") continue;
    const resources = (file.file.content.value as { resource?: Record<string, Record<string, unknown>> } | null)?.resource;
    for (const [name, block] of Object.entries(resources?.[EXTENSION_RESOURCE] ?? {})) {
      const ext = block as { extension_type?: unknown; version?: unknown };
      if (ext?.extension_type !== FLUX_EXTENSION_TYPE || typeof ext.version !== "string") continue;
      const installed = fluxOfExtensionVersion(ext.version);
      if (installed === target) continue;
      const what = `[${file.source}] ${path}: ${EXTENSION_RESOURCE}.${name} pins ${FLUX_EXTENSION_TYPE} ${ext.version}`;
      problems.push(
        installed === undefined
          ? `${what}, whose Flux the library does not know (it knows ${knownExtensionVersions()}): cluster ${cluster}'s objects ` +
              `are written for Flux ${target}; pin a version the library knows, or leave it unpinned`
          : `${what}, which installs Flux ${installed}, but cluster ${cluster}'s fluxVersion is ${target}: ` +
              `set fluxVersion to "${installed}", or pin an extension version that installs Flux ${target}`,
      );
    }
  }
  return problems;
}
