import { TreeCheck } from "./checks";

/** The checks every synth runs on the rendered tree, in order. */
export const defaultChecks: readonly TreeCheck[] = [];
