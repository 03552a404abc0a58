import { checkCrdSchemas } from "./crd-schemas";
import { checkFluxVersions } from "./flux-version";
import { checkNodePoolAdoptions } from "./node-pool-adoptions";
import { checkPoolRotations } from "./pool-rotations";
import { checkNoSecrets } from "./secret-scan";
import { checkStateSafety } from "./state-safety";
import { checkStickyPoolSettings } from "./sticky-pool-settings";
import { TreeCheck } from "./tree-check";

/** The checks every synth runs on the rendered tree, in order. */
export const defaultChecks: readonly TreeCheck[] = [
  checkCrdSchemas,
  checkFluxVersions,
  checkNoSecrets,
  checkStateSafety,
  checkStickyPoolSettings,
  checkPoolRotations,
  checkNodePoolAdoptions,
];
