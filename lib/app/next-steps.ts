import * as fs from "fs";
import * as path from "path";
import { IConstruct } from "constructs";
import { FluxBootstrap } from "../cluster/flux-bootstrap";
import { FluxInstallMode } from "../cluster/flux-install";
import { RunnerIdentity } from "../tofu/runner-identity";

/**
 * The next step of each cluster that is still open after a synth, with the exact command, one line per cluster (the
 * order of docs/getting-started.md): first the bootstrap apply when a runner identity has no client id yet (so the
 * Terraform objects run), then, in flux CLI mode, `flux bootstrap` while its `gotk-components.yaml` is not in the
 * repo (missing, or an empty placeholder). Nothing is printed for a cluster whose steps are all done, or whose state
 * the repo cannot tell (an AKS extension cluster without a runner identity: whether its bootstrap was applied).
 */
export function nextSteps(root: IConstruct, gitopsRoot: string): string[] {
  const all = root.node.findAll();
  const identities = all.filter((c): c is RunnerIdentity => c instanceof RunnerIdentity);
  const lines: string[] = [];
  for (const flux of all.filter((c): c is FluxBootstrap => c instanceof FluxBootstrap)) {
    const missing = identities.filter((i) => i.cluster === flux && i.clientId === undefined && i.terraforms.length > 0);
    const bootstrap = flux.bootstrapStack?.repoPath;
    if (missing.length && bootstrap) {
      const ids = missing.map((i) => `runnerClientIds.${i.identityName} = $(${i.clientIdCommand})`).join(", ");
      // A fleet role's definition is in its owner's bootstrap stack: the assignments here need it applied first.
      const owners = [...new Set(missing.map((i) => i.role.fleetRole?._stack?.repoPath).filter((p) => p && p !== bootstrap))];
      const first = owners.length ? `after ${owners.join(" and ")} (it defines the fleet runner role), ` : "";
      lines.push(
        `gitops: next step for ${flux.clusterName}: commit and push, ${first}apply ${bootstrap} once with rights to grant roles on the ` +
          `cluster: tofu -chdir=${bootstrap} init && tofu -chdir=${bootstrap} apply; then set in cdktf.json's context ${ids}, and synth again`,
      );
    } else if (flux.mode === FluxInstallMode.FLUX_CLI && !bootstrapped(gitopsRoot, flux)) {
      const command = flux.bootstrapInstructions;
      const credentials = command.includes("--token-auth") ? " (GIT_USERNAME and GIT_PASSWORD: a user and a token that may push)" : "";
      lines.push(`gitops: next step for ${flux.clusterName}: commit and push, then${credentials}: ${command}; then pull and synth again`);
    }
  }
  return lines;
}

/** Whether `flux bootstrap` has written its components into the cluster's bootstrap folder (not just a placeholder). */
function bootstrapped(gitopsRoot: string, flux: FluxBootstrap): boolean {
  const file = path.join(gitopsRoot, flux.folder, flux.namespace, "gotk-components.yaml");
  try {
    return /^kind:/m.test(fs.readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}
