import { PropChecks } from "../core/validation";
import { AksExtensionInstall } from "./aks-extension-install";
import type { FluxBootstrapProps } from "./flux-bootstrap-props";
import { FluxCliInstall } from "./flux-cli-install";
import { FluxInstallMode, IBoundFluxInstall, IFluxInstall, isFluxInstall } from "./flux-install";

/**
 * The install a FluxBootstrap's props select: `install`, or the older `mode` with `aksExtension` /
 * `bootstrapStateBackend` (kept working with the same messages). The only place that branches on the mode.
 */
export function installOf(props: FluxBootstrapProps): IFluxInstall {
  if (props.install !== undefined && isFluxInstall(props.install)) return props.install;
  // A bad `install` is reported by validation; until then the bootstrap is built as the default, flux CLI.
  if (props.install === undefined && props.mode === FluxInstallMode.AKS_EXTENSION)
    return new AksExtensionInstall(props.aksExtension, "aksExtension");
  const legacy = props.install === undefined;
  return new FluxCliInstall(
    { stateBackend: legacy ? props.bootstrapStateBackend : undefined, fluxVersion: legacy ? props.fluxVersion : undefined },
    "bootstrapStateBackend",
    "fluxVersion",
  );
}

/** The install's own checks, and those of the props that select it; `mode` is the bootstrap's (the prop or the default). */
export function validateInstallProps(c: PropChecks, p: FluxBootstrapProps, mode: FluxInstallMode, install: IBoundFluxInstall): void {
  if (p.install !== undefined) {
    for (const prop of ["mode", "aksExtension", "bootstrapStateBackend", "fluxVersion"] as const) {
      if (p[prop] !== undefined) c.fail(prop, "<set>", "unset when install is given (the install carries the mode and its settings)");
    }
    if (isFluxInstall(p.install)) install.validate(c);
    else c.fail("install", p.install, "FluxInstall.cli(…) or FluxInstall.aksExtension(…)");
    return;
  }
  const aksMode = mode === FluxInstallMode.AKS_EXTENSION;
  if (aksMode && p.bootstrapStateBackend !== undefined)
    c.fail("bootstrapStateBackend", "<set>", "unset in AKS extension mode (use aksExtension.stateBackend: it is the same bootstrap stack)");
  if (aksMode && p.fluxVersion !== undefined)
    c.fail("fluxVersion", "<set>", "unset in AKS extension mode (use aksExtension.fluxVersion: the extension decides which Flux runs)");
  if (aksMode && !p.aksExtension)
    c.fail(
      "aksExtension",
      undefined,
      "the AKS extension settings (subscriptionId, clusterName, resourceGroupName) with mode AKS_EXTENSION",
    );
  else install.validate(c);
  if (!aksMode && p.aksExtension)
    c.fail(
      "aksExtension",
      "<set>",
      `unset with mode ${mode} (flux bootstrap installs Flux; set mode: FluxInstallMode.AKS_EXTENSION to use the extension)`,
    );
}
