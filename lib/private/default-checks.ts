import { TreeCheck } from "./checks";
import { checkCrdSchemas } from "./tree-checks/crd-schemas";
import { checkNoSecrets } from "./tree-checks/secret-scan";
import { checkStateSafety } from "./tree-checks/state-safety";

/** The checks every synth runs on the rendered tree, in order. */
export const defaultChecks: readonly TreeCheck[] = [checkCrdSchemas, checkNoSecrets, checkStateSafety];
