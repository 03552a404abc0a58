import { TreeCheck } from "./tree-check";
import { checkCrdSchemas } from "./crd-schemas";
import { checkNoSecrets } from "./secret-scan";
import { checkStateSafety } from "./state-safety";
import { checkPoolRotations } from "./pool-rotations";

/** The checks every synth runs on the rendered tree, in order. */
export const defaultChecks: readonly TreeCheck[] = [checkCrdSchemas, checkNoSecrets, checkStateSafety, checkPoolRotations];
