import { DNS_SUBDOMAIN } from "../core/patterns";
import { PropChecks } from "../core/validation";
import { TerraformVariable, TerraformVarsFrom } from "../kubernetes/terraform";
import { checkAnnotations, checkBoolean, checkLabels } from "./metadata-checks";

// A Terraform object's inputs (vars, varsFrom) and outputs (writeOutputsToSecret): their types, checks and rendering.

const TF_VAR_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
/** `writeOutputsToSecret.outputs`: an output name, optionally `:<Secret key>`. */
const OUTPUT_MAPPING = /^[a-zA-Z_][a-zA-Z0-9_-]*(:[-._a-zA-Z0-9]+)?$/;
/** `varsFrom.keys`: a Secret/ConfigMap key, optionally `:<variable name>`. */
const KEY_MAPPING = /^[-._a-zA-Z0-9]+(:[a-zA-Z_][a-zA-Z0-9_-]*)?$/;

/** Variables from a Secret or ConfigMap (`varsFrom`): values arrive as JSON strings. */
export interface TerraformVarsFromSource {
  /** Secret or ConfigMap. */
  readonly kind: VarsFromKind;
  /** Object name in the Terraform object's namespace. */
  readonly name: string;
  /**
   * Only these keys (`old:new` renames); later entries override earlier ones.
   * @default - all keys
   */
  readonly keys?: string[];
  /**
   * Do not fail if the object is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Where `varsFrom` reads Terraform variables from. */
export enum VarsFromKind {
  SECRET = "Secret",
  CONFIG_MAP = "ConfigMap",
}

/** Stack outputs written to a Secret owned by the Terraform object. */
export interface WriteOutputsToSecret {
  /** Secret name. */
  readonly name: string;
  /**
   * Output names (`old:new` renames).
   * @default - all outputs
   */
  readonly outputs?: string[];
  /**
   * Labels of the Secret.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Secret.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** @internal The stack input and output props of a Terraform object. */
export interface StackInputProps {
  readonly vars?: Record<string, unknown>;
  readonly varsFrom?: TerraformVarsFromSource[];
  readonly writeOutputsToSecret?: WriteOutputsToSecret;
}

/** @internal Problems of the input and output props; the outputs Secret must not be the state Secret. */
export function checkStackInputs(c: PropChecks, p: StackInputProps, stateSecretName: string): void {
  const outputsSecret = "{ name, outputs?, labels?, annotations? } of the Secret the outputs go to";
  if (
    p.writeOutputsToSecret !== undefined &&
    c.literal("writeOutputsToSecret", p.writeOutputsToSecret) &&
    c.record("writeOutputsToSecret", p.writeOutputsToSecret, outputsSecret)
  ) {
    c.pattern("writeOutputsToSecret.name", p.writeOutputsToSecret.name, DNS_SUBDOMAIN, "a Secret name");
    c.check(
      p.writeOutputsToSecret.name !== stateSecretName,
      "writeOutputsToSecret.name",
      p.writeOutputsToSecret.name,
      `a name other than the state Secret ${stateSecretName}`,
    );
    const outputs = c.array("writeOutputsToSecret.outputs", p.writeOutputsToSecret.outputs, "an array of output names")
      ? p.writeOutputsToSecret.outputs
      : [];
    (outputs ?? []).forEach((o, i) => {
      c.pattern(
        `writeOutputsToSecret.outputs[${i}]`,
        o,
        OUTPUT_MAPPING,
        "a Terraform output name, or output:key to store it under another Secret key",
      );
    });
    checkLabels(c, "writeOutputsToSecret.labels", p.writeOutputsToSecret.labels);
    checkAnnotations(c, "writeOutputsToSecret.annotations", p.writeOutputsToSecret.annotations);
  }
  if (p.vars !== undefined && c.literal("vars", p.vars) && c.record("vars", p.vars, "an object of Terraform variable names and values")) {
    c.plainData("vars", p.vars);
    // An undefined value (a JavaScript caller's unset setting) would be written as a variable without a value.
    for (const [k, v] of Object.entries(p.vars))
      if (v === undefined) c.fail(`vars[${JSON.stringify(k)}]`, v, "a value (null, or leave the variable out)");
    for (const k of Object.keys(p.vars)) c.check(TF_VAR_NAME.test(k), `vars[${JSON.stringify(k)}]`, k, "a Terraform variable name");
  }
  if (!c.arrayOfObjects("varsFrom", p.varsFrom, "an array of { kind, name, keys?, optional? }")) return;
  (p.varsFrom ?? []).forEach((v, i) => {
    const kinds = Object.values(VarsFromKind);
    if (c.required(`varsFrom[${i}].kind`, v.kind, `one of ${kinds.map((k) => JSON.stringify(k)).join(", ")}`))
      c.oneOf(`varsFrom[${i}].kind`, v.kind, kinds);
    const nameAllowed = `a ${v.kind ?? "Secret or ConfigMap"} name in the object's namespace`;
    if (c.required(`varsFrom[${i}].name`, v.name, nameAllowed)) c.pattern(`varsFrom[${i}].name`, v.name, DNS_SUBDOMAIN, nameAllowed);
    if (!c.array(`varsFrom[${i}].keys`, v.keys, "an array of keys")) return;
    (v.keys ?? []).forEach((k, j) =>
      c.pattern(
        `varsFrom[${i}].keys[${j}]`,
        k,
        KEY_MAPPING,
        `a key of the ${v.kind}, or key:variable to pass it under another variable name`,
      ),
    );
    checkBoolean(c, `varsFrom[${i}].optional`, v.optional);
  });
}

/** @internal `spec.vars`: one entry per variable, in the order given. */
export function renderVars(vars: Record<string, unknown> | undefined): TerraformVariable[] | undefined {
  return vars ? Object.entries(vars).map(([name, value]) => ({ name, value })) : undefined;
}

/** @internal `spec.varsFrom`. */
export function renderVarsFrom(varsFrom: readonly TerraformVarsFromSource[] | undefined): TerraformVarsFrom[] | undefined {
  return varsFrom?.map((v): TerraformVarsFrom => ({ kind: v.kind, name: v.name, varsKeys: v.keys, optional: v.optional }));
}
