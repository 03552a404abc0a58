import { IConstruct } from "constructs";
import { PromotionOrder } from "../cluster/promotion-order";
import { App, TerraformStack } from "../core/framework";
import { isFileProducer } from "../core/gitops-file";
import { PropChecks } from "../core/validation";

/**
 * CDK Terrain's future flag (cdktn/lib/features.js, `FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS`): `cdktn init` writes it into
 * cdktf.json's context and `Testing.app()` sets it. With it on, cdktn's `App.synth()` throws for every direct child of
 * the app that is not a TerraformStack ("did you pass scope=app instead of scope=stack?"), because nothing would
 * synthesize it. cdktf 0.21 has no such flag and ignores the key.
 */
export const FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS = "failOnConstructsOutsideOfStacks";

/**
 * A GitOpsApp synthesizes constructs outside stacks itself (the Flux side of a cluster: FluxBootstrap, RunnerIdentity,
 * TerraformControllerCR, whose construct paths are in every generated file's header), so it takes the check over:
 * called in its constructor, before any child exists (context is frozen after that), it reads the flag as cdktn does
 * (any truthy value) and turns cdktn's own check off for this app. `checkConstructsOutsideStacks` then refuses what
 * the flag is for: a direct child that neither cdktn nor the GitOps synth would write. Returns whether the flag is on.
 */
export function takeOverOutsideStacksCheck(app: App): boolean {
  const on = Boolean(app.node.tryGetContext(FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS));
  if (on) app.node.setContext(FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS, false);
  return on;
}

/** True when the GitOps synth writes or uses something of the construct: a file of its subtree, or a promotion check. */
function isUsedByGitOpsSynth(c: IConstruct): boolean {
  return c instanceof PromotionOrder || c.node.findAll().some(isFileProducer);
}

/** With the flag on: every direct child of the app is a stack or a construct the GitOps synth writes. */
export function checkConstructsOutsideStacks(c: PropChecks, app: App): void {
  for (const child of app.node.children) {
    if (TerraformStack.isStack(child) || isUsedByGitOpsSynth(child)) continue;
    c.fail(
      "construct outside a TerraformStack",
      `${child.node.path} (${child.constructor.name})`,
      `a TerraformStack, or a construct that writes GitOps files, as a direct child of the app while ` +
        `${FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS} is on in the context: nothing would synthesize it (did you pass scope=app ` +
        `instead of scope=stack?)`,
    );
  }
}
