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

  get all(): string[] {
    return [...this.problems];
  }
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
    return escapeForOneLine(JSON.stringify(value) ?? String(value));
  } catch {
    return `<${String(value)}>`;
  }
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

/** Thrown at synth when input is refused; nothing in the GitOps repo has been written. */
export class GitOpsSynthError extends Error {
  constructor(
    readonly title: string,
    readonly problems: readonly string[],
  ) {
    super(`${title} (${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written):\n  ${problems.join("\n  ")}`);
    this.name = "GitOpsSynthError";
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
