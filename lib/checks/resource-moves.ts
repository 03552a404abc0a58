import { RenderedFile } from "../synth/render";

/**
 * The `moved` blocks of each stack folder, as `from address → to address`. cdktf 0.21 writes
 * `resource.moveFromId(from)` and `moveTo(target)` as `"moved": [{ "to": "<type>.<name>", "from": "<type>.<name>" }]`
 * at the top level of the stack's main.tf.json (TerraformResource.toTerraform). A moved block moves state inside its
 * own configuration only: a block in another stack's folder says nothing about this one's state.
 */
export function movesByFolder(files: readonly RenderedFile[]): Map<string, Map<string, string>> {
  const moves = new Map<string, Map<string, string>>();
  for (const f of files) {
    if (!f.path.endsWith(".tf.json") || f.file.content.format !== "json") continue;
    const blocks = (f.file.content.value as { moved?: unknown })?.moved;
    if (!Array.isArray(blocks)) continue;
    const folder = f.path.slice(0, f.path.lastIndexOf("/"));
    const byFrom = moves.get(folder) ?? new Map<string, string>();
    for (const b of blocks as { from?: unknown; to?: unknown }[]) {
      if (typeof b?.from === "string" && typeof b.to === "string") byFrom.set(b.from, b.to);
    }
    moves.set(folder, byFrom);
  }
  return moves;
}

/**
 * What makes a rename keep its state, exactly: the moved block cdktf writes, and the one thing it needs at synth.
 * cdktf adds a ValidateTerraformVersion(">=1.5") to every stack with a move (synthesize/synthesizer.js) and runs
 * `${TERRAFORM_BINARY_NAME || "terraform"} version` for it (lib/util.js), read when cdktf is loaded.
 */
export function movedBlockAdvice(oldAddress: string, newAddress: string): string {
  return (
    `; it looks renamed to ${newAddress}: keep the state with a moved block instead, which needs no acknowledgement: call ` +
    `moveFromId("${oldAddress}") on the resource now at ${newAddress} (a GuardedNodePool: its prop ` +
    `adopt: NodePoolAdoption.fromPreviousAddress("${oldAddress}"), written at the pool's own address). ` +
    `cdktf then runs "terraform version" during synth (moves need Terraform ≥ 1.5); ` +
    `where only OpenTofu is installed, synth with TERRAFORM_BINARY_NAME=tofu`
  );
}

/** A moved block for this address in another stack's folder moves nothing: each stack has its own state. */
export function foreignMoveAdvice(oldAddress: string, folder: string, moves: ReadonlyMap<string, ReadonlyMap<string, string>>): string {
  const elsewhere = [...moves].find(([f, byFrom]) => f !== folder && byFrom.has(oldAddress));
  if (!elsewhere) return "";
  return (
    `; the moved block from ${oldAddress} in ${elsewhere[0]} does not count: a moved block moves state only inside its own ` +
    `stack, and ${folder} and ${elsewhere[0]} have separate states (moving a resource between stacks is a destroy here ` +
    `and a create there unless it is imported there and removed from ${folder}'s state by hand)`
  );
}
