import { AksExtensionInstall, AksFluxExtensionOptions } from "./aks-extension-install";
import { FluxCliInstall, FluxCliInstallOptions } from "./flux-cli-install";
import type { IFluxInstall } from "./flux-install";

/** The ways Flux gets onto a cluster, for `FluxBootstrapProps.install`. */
export class FluxInstall {
  /** `flux bootstrap git` installs Flux and owns `clusters/<cluster>/<namespace>/` (FluxInstallMode.FLUX_CLI). */
  static cli(options: FluxCliInstallOptions = {}): IFluxInstall {
    return new FluxCliInstall(options);
  }

  /** The AKS `microsoft.flux` extension, written to `bootstrap/<cluster>/main.tf.json` (FluxInstallMode.AKS_EXTENSION). */
  static aksExtension(options: AksFluxExtensionOptions): IFluxInstall {
    return new AksExtensionInstall(options);
  }

  private constructor() {}
}
