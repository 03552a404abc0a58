import { IConstruct } from "constructs";
import { Token } from "./framework";
import { escapeForOneLine, hasUnsafeIdCharacter } from "./unsafe-text";

/**
 * Collects the problems of one construct's props. Each message names the prop, the value and what is allowed;
 * the construct path is added by the aggregator in GitOpsApp, which reports every problem of a synth at once.
 */
export class PropChecks {
  private readonly problems: string[] = [];

  /** Records a problem unless `ok`. */
  check(ok: boolean, prop: string, value: unknown, allowed: string): void {
    if (!ok) this.problems.push(formatProblem(prop, value, allowed));
  }

  /** Records a problem that is not about one value (e.g. two props that contradict each other). */
  fail(prop: string, value: unknown, allowed: string): void {
    this.problems.push(formatProblem(prop, value, allowed));
  }

  /** A literal is required (tokens cannot be checked at synth, and the value ends up in Git). False if it is a token. */
  literal(prop: string, value: unknown): boolean {
    if (value !== undefined && containsToken(value)) {
      this.problems.push(formatProblem(prop, "<unresolved token>", "a literal value known at synth, not a token"));
      return false;
    }
    return true;
  }

  /** Whole number in [min, max]. */
  integer(prop: string, value: number | undefined, min: number, max: number): boolean {
    if (value === undefined) return true;
    if (!this.literal(prop, value)) return false;
    const ok = Number.isInteger(value) && value >= min && value <= max;
    this.check(ok, prop, value, `a whole number from ${min} to ${max}`);
    return ok;
  }

  /** String matching a pattern. */
  pattern(prop: string, value: string | undefined, re: RegExp, allowed: string): boolean {
    if (value === undefined) return true;
    if (!this.literal(prop, value)) return false;
    const ok = typeof value === "string" && re.test(value);
    this.check(ok, prop, value, allowed);
    return ok;
  }

  oneOf<T>(prop: string, value: T | undefined, allowed: readonly T[]): boolean {
    if (value === undefined) return true;
    if (!this.literal(prop, value)) return false;
    const ok = allowed.includes(value);
    this.check(ok, prop, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    return ok;
  }

  /** A plain object (a map such as tags or labels), not an array, string or null: JavaScript callers can pass anything. */
  record(prop: string, value: unknown, allowed: string): boolean {
    if (value === undefined) return true;
    const ok = value !== null && typeof value === "object" && !Array.isArray(value);
    this.check(ok, prop, value, allowed);
    return ok;
  }

  /** An array whose every element is a plain object (e.g. taints), for JavaScript callers. */
  arrayOfObjects(prop: string, value: unknown, allowed: string): boolean {
    if (value === undefined) return true;
    const ok = Array.isArray(value) && value.every((v) => v !== null && typeof v === "object" && !Array.isArray(v));
    this.check(ok, prop, value, allowed);
    return ok;
  }

  /** Present (neither undefined nor null): a required prop, which a JavaScript caller can still leave out. */
  required(prop: string, value: unknown, allowed: string): boolean {
    const ok = value !== undefined && value !== null;
    this.check(ok, prop, value, allowed);
    return ok;
  }

  /** An array (its elements are the caller's to check), for JavaScript callers. */
  array(prop: string, value: unknown, allowed: string): boolean {
    if (value === undefined) return true;
    const ok = Array.isArray(value);
    this.check(ok, prop, value, allowed);
    return ok;
  }

  /**
   * Data a file can hold (objects, arrays, strings, numbers, booleans, null): a function, symbol, bigint or circular
   * reference (from a JavaScript caller) is reported at its place inside the value, e.g. `vars["a"].b`.
   */
  plainData(prop: string, value: unknown): boolean {
    const before = this.problems.length;
    walkData(value, prop, [], (at, v, what) => this.fail(at, v, what));
    return this.problems.length === before;
  }

  get all(): string[] {
    return [...this.problems];
  }
}

function walkData(value: unknown, at: string, ancestors: object[], fail: (at: string, v: unknown, what: string) => void): void {
  const kind = typeof value;
  if (kind === "function" || kind === "symbol" || kind === "bigint") {
    fail(at, value, "data a file can hold: a string, number, boolean, null, array or plain object");
    return;
  }
  if (value === null || kind !== "object") return;
  if (ancestors.includes(value as object)) {
    fail(at, "<circular reference>", "data a file can hold: a value without circular references");
    return;
  }
  const inner = [...ancestors, value as object];
  if (Array.isArray(value)) value.forEach((v, i) => walkData(v, `${at}[${i}]`, inner, fail));
  else for (const [k, v] of Object.entries(value as object)) walkData(v, `${at}[${JSON.stringify(k)}]`, inner, fail);
}

export function formatProblem(prop: string, value: unknown, allowed: string): string {
  return `${prop} = ${describe(value)}: allowed is ${allowed}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "(unset)";
  if (typeof value === "string" && value.startsWith("<") && value.endsWith(">")) return value;
  // JSON.stringify prints NaN and Infinity as null, which is not what was typed.
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  // A construct (or anything with a node path) is named by its path; its JSON would be huge or circular.
  const path = (value as { node?: { path?: unknown } } | null)?.node?.path;
  if (typeof path === "string") return `<${value!.constructor.name} ${path}>`;
  try {
    // Escaped again: JSON leaves U+2028, U+2029 and C1 controls raw, and a message stays one line per problem.
    return escapeForOneLine(printableJson(value) ?? String(value));
  } catch {
    return `<${String(value)}>`;
  }
}

/** JSON of a value, with functions, symbols, bigints and circular references named instead of throwing or vanishing. */
function printableJson(value: unknown): string | undefined {
  if (typeof value === "function") return functionName(value);
  if (typeof value === "symbol" || typeof value === "bigint") return symbolOrBigint(value);
  const ancestors: unknown[] = [];
  return JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
    if (typeof v === "function") return functionName(v);
    if (typeof v === "symbol" || typeof v === "bigint") return symbolOrBigint(v);
    if (v === null || typeof v !== "object") return v;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(v)) return "<circular reference>";
    ancestors.push(v);
    return v;
  });
}

function symbolOrBigint(v: symbol | bigint): string {
  return typeof v === "bigint" ? `<${v}n>` : `<${String(v)}>`;
}

function functionName(f: { name?: string }): string {
  return f.name ? `<function ${f.name}>` : "<function>";
}

export function containsToken(value: unknown, seen: Set<object> = new Set()): boolean {
  if (typeof value === "string" || typeof value === "number") return Token.isUnresolved(value);
  if (value === null || typeof value !== "object") return false;
  // A circular value (from a JavaScript caller) is looked at once, not until the stack overflows.
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some((v) => containsToken(v, seen));
  if (Token.isUnresolved(value)) return true;
  return Object.entries(value).some(([k, v]) => Token.isUnresolved(k) || containsToken(v, seen));
}

/** Registers a validation that runs at synth; the construct's checks are computed lazily so mutators count. */
export function addPropValidation(scope: IConstruct, run: (checks: PropChecks) => void): void {
  scope.node.addValidation({
    validate: () => {
      const checks = new PropChecks();
      run(checks);
      return checks.all;
    },
  });
}

/** Environment variable that brings back the stack traces of refused synths and policy findings (any value but "" or "0"). */
export const GITOPS_DEBUG_ENV = "GITOPS_DEBUG";

/** True when GITOPS_DEBUG asks for stack traces. */
export function gitopsDebug(): boolean {
  const v = process.env[GITOPS_DEBUG_ENV];
  return v !== undefined && v !== "" && v !== "0";
}

/**
 * Thrown at synth when input is refused; nothing in the GitOps repo has been written. Its message is the whole report
 * (each problem once); the stack trace says nothing about the input, so it is left out unless GITOPS_DEBUG is set.
 */
export class GitOpsSynthError extends Error {
  declare readonly title: string;
  declare readonly problems: readonly string[];
  /** What the refused change would do besides its problems (a decommissioned cluster, a rotated pool). */
  declare readonly notices: readonly string[];

  /**
   * @param notices what the refused change would do besides its problems (a decommissioned cluster, a rotated pool),
   *   shown beside the refusal: whoever acknowledges a problem should read them first, not after the write.
   */
  constructor(title: string, problems: readonly string[], notices: readonly string[] = []) {
    const also = notices.length ? `\n  What this change also does (read before acknowledging):\n  ${notices.join("\n  ")}` : "";
    super(
      `${title} (${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written):\n  ${problems.join("\n  ")}${also}`,
    );
    this.name = "GitOpsSynthError";
    // Not enumerable: Node and jest print an error's own enumerable properties after it, a second copy of every problem.
    Object.defineProperties(this, { title: { value: title }, problems: { value: problems }, notices: { value: notices } });
    if (!gitopsDebug()) this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * The problem with a construct id, if any. Ids reach every generated file (construct paths in headers and metadata)
 * and most names: a line break there could start a YAML document of its own.
 */
export function constructIdProblem(id: string): string | undefined {
  if (!hasUnsafeIdCharacter(id)) return undefined;
  return formatProblem("construct id", id, "an id without control characters, line or paragraph separators (U+2028, U+2029)");
}
