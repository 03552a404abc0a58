import { PropChecks } from "./validation";

const MS_PER: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
/** Go duration syntax as the Flux and tofu-controller CRDs accept it (units h, m, s, ms). */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const TOKEN = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;
/** Go's time.Duration is an int64 of nanoseconds: 2^63-1 ns, in whole milliseconds (2562047h47m16.854s). */
const GO_MAX_MS = 9_223_372_036_854;
const ALLOWED = `a duration above zero in whole milliseconds, e.g. Duration.minutes(5) or Duration.parse("1h30m") (units h, m, s, ms)`;

/**
 * A length of time for the `interval`, `retryInterval` and `timeout` fields of Flux and tofu-controller objects,
 * rendered in Go duration syntax (`5m`, `1h30m`, `1m30s`).
 *
 * Constructing never throws: a bad value (zero, negative, NaN, finer than a millisecond, unparsable text) is
 * reported at synth by the construct that uses it, with the prop name, together with every other problem.
 */
export class Duration {
  /** A duration of n milliseconds. */
  static millis(n: number): Duration {
    return Duration.of(n, 1, `${n}ms`);
  }

  /** A duration of n seconds. */
  static seconds(n: number): Duration {
    return Duration.of(n, MS_PER.s, `${n}s`);
  }

  /** A duration of n minutes. */
  static minutes(n: number): Duration {
    return Duration.of(n, MS_PER.m, `${n}m`);
  }

  /** A duration of n hours. */
  static hours(n: number): Duration {
    return Duration.of(n, MS_PER.h, `${n}h`);
  }

  /** Parses Go duration syntax as the CRDs accept it: `5m`, `1h30m`, `90s`, `1.5h`, `500ms`. */
  static parse(text: string): Duration {
    if (typeof text !== "string" || !GO_DURATION.test(text)) {
      return new Duration(NaN, JSON.stringify(text), `${JSON.stringify(text)} is not a Go duration`);
    }
    let ms = 0;
    for (const m of text.matchAll(TOKEN)) ms += Number(m[1]) * MS_PER[m[2]];
    return Duration.checked(ms, JSON.stringify(text));
  }

  /**
   * @internal Records a problem unless the value is a valid Duration within [min, max]. True if it is.
   * Also refuses values that are not Duration objects (plain strings from JavaScript callers).
   */
  static _check(
    c: PropChecks,
    prop: string,
    value: unknown,
    range: { min?: Duration; max?: Duration; why?: string } = {},
  ): value is Duration {
    if (value === undefined) return true;
    if (!(value instanceof Duration)) {
      c.fail(prop, value, `a Duration object (${ALLOWED})`);
      return false;
    }
    if (value.problem !== undefined) {
      c.fail(prop, `<${value.description}: ${value.problem}>`, ALLOWED);
      return false;
    }
    const why = range.why ? ` (${range.why})` : "";
    if (range.min && value.ms < range.min.ms) {
      c.fail(prop, value.toGo(), `at least ${range.min.toGo()}${why}`);
      return false;
    }
    if (range.max && value.ms > range.max.ms) {
      c.fail(prop, value.toGo(), `at most ${range.max.toGo()}${why}`);
      return false;
    }
    return true;
  }

  private static of(n: number, factor: number, description: string): Duration {
    if (typeof n !== "number" || Number.isNaN(n)) return new Duration(NaN, description, "not a number");
    if (!Number.isFinite(n)) return new Duration(NaN, description, "not finite");
    return Duration.checked(n * factor, description);
  }

  private static checked(rawMs: number, description: string): Duration {
    const rounded = Math.round(rawMs);
    // n * factor in floating point (1.1 * 1000 = 1100.0000000000002) must not count as a fraction of a millisecond.
    if (Math.abs(rawMs - rounded) > 1e-6) return new Duration(NaN, description, "finer than a millisecond");
    if (rounded <= 0) return new Duration(NaN, description, rounded === 0 ? "zero" : "negative");
    if (rounded > GO_MAX_MS) return new Duration(NaN, description, "over Go's longest duration, 2562047h47m16.854s");
    return new Duration(rounded, description, undefined);
  }

  private constructor(
    private readonly ms: number,
    private readonly description: string,
    private readonly problem: string | undefined,
  ) {}

  /** Whole milliseconds; NaN for an invalid duration. */
  toMilliseconds(): number {
    return this.ms;
  }

  /** Seconds, rounded up to a whole second (Azure APIs take whole seconds); NaN for an invalid duration. */
  toWholeSeconds(): number {
    return Math.ceil(this.ms / 1000);
  }

  /** Go duration syntax with zero parts left out: `5m`, `1h30m`, `1m30s`, `1s500ms`. */
  toGo(): string {
    if (this.problem !== undefined)
      throw new Error(`invalid duration ${this.description} (${this.problem}); validation should have refused it`);
    let rest = this.ms;
    let out = "";
    for (const unit of ["h", "m", "s", "ms"]) {
      const n = Math.floor(rest / MS_PER[unit]);
      rest -= n * MS_PER[unit];
      if (n > 0) out += `${n}${unit}`;
    }
    return out;
  }

  /** What the duration was created from, e.g. `5m` or `"1h30m"`. */
  toString(): string {
    return this.problem === undefined ? this.toGo() : this.description;
  }
}
