import * as fc from "fast-check";
import { Duration } from "../lib";
import { PropChecks } from "../lib/core/validation";

function problems(value: unknown, range?: Parameters<typeof Duration._check>[3]): string[] {
  const c = new PropChecks();
  Duration._check(c, "interval", value, range);
  return c.all;
}

describe("Duration renders Go duration syntax without zero parts", () => {
  test.each([
    [Duration.minutes(5), "5m"],
    [Duration.seconds(90), "1m30s"],
    [Duration.hours(1.5), "1h30m"],
    [Duration.millis(1500), "1s500ms"],
    [Duration.hours(25), "25h"],
    [Duration.parse("1h30m"), "1h30m"],
    [Duration.parse("90s"), "1m30s"],
    [Duration.parse("1.5h"), "1h30m"],
    [Duration.parse("500ms"), "500ms"],
    [Duration.parse("1m0s"), "1m"],
    [Duration.seconds(1.1), "1s100ms"],
  ])("%s", (d, go) => {
    expect(d.toGo()).toBe(go);
    expect(problems(d)).toEqual([]);
  });

  test("parse(toGo(d)) is d, for any whole number of milliseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 24 * 3600 * 1000 }), (ms) => {
        const d = Duration.millis(ms);
        expect(Duration.parse(d.toGo()).toMilliseconds()).toBe(ms);
        expect(d.toGo()).toMatch(/^([0-9]+(ms|s|m|h))+$/); // the CRDs' pattern
      }),
    );
  });

  test("whole seconds round up for APIs that take seconds", () => {
    expect(Duration.minutes(1).toWholeSeconds()).toBe(60);
    expect(Duration.millis(1500).toWholeSeconds()).toBe(2);
  });
});

describe("a bad Duration is a synth problem naming the prop, never a constructor throw", () => {
  test.each([
    ["zero", () => Duration.seconds(0), /interval = <0s: zero>: allowed is a duration above zero in whole milliseconds/],
    ["negative", () => Duration.minutes(-1), /interval = <-1m: negative>/],
    ["NaN", () => Duration.minutes(NaN), /interval = <NaNm: not a number>/],
    ["infinite", () => Duration.hours(Infinity), /interval = <Infinityh: not finite>/],
    ["below a millisecond", () => Duration.seconds(0.0001), /interval = <0.0001s: finer than a millisecond>/],
    ["a fraction of a millisecond in text", () => Duration.parse("1.5ms"), /interval = <"1.5ms": finer than a millisecond>/],
    ["not Go syntax", () => Duration.parse("5 minutes"), /interval = <"5 minutes": "5 minutes" is not a Go duration>/],
    ["a unit the CRDs refuse", () => Duration.parse("5us"), /not a Go duration/],
    ["empty", () => Duration.parse(""), /not a Go duration/],
    ["zero text", () => Duration.parse("0s"), /zero/],
  ])("%s", (_what, make, message) => {
    let d: Duration | undefined;
    expect(() => (d = make())).not.toThrow();
    const found = problems(d);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^interval = /);
    expect(found[0]).toMatch(message);
  });

  test("the messages", () => {
    expect(problems(Duration.seconds(0))).toEqual([
      "interval = <0s: zero>: allowed is a duration above zero in whole milliseconds, e.g. Duration.minutes(5) or " +
        'Duration.parse("1h30m") (units h, m, s, ms)',
    ]);
    expect(problems(Duration.parse("5 minutes"))[0]).toMatch(
      /^interval = <"5 minutes": "5 minutes" is not a Go duration>: allowed is a duration above zero/,
    );
    expect(problems(Duration.seconds(0.0001))[0]).toMatch(/^interval = <0\.0001s: finer than a millisecond>/);
  });

  test("a plain string (from JavaScript) is refused", () => {
    expect(problems("5m")).toEqual([
      'interval = "5m": allowed is a Duration object (a duration above zero in whole milliseconds, e.g. ' +
        'Duration.minutes(5) or Duration.parse("1h30m") (units h, m, s, ms))',
    ]);
  });

  test("ranges name the bound and the reason", () => {
    expect(problems(Duration.seconds(30), { min: Duration.minutes(1), why: "a reason" })).toEqual([
      'interval = "30s": allowed is at least 1m (a reason)',
    ]);
    expect(problems(Duration.hours(2), { max: Duration.minutes(59) })).toEqual(['interval = "2h": allowed is at most 59m']);
  });

  test("rendering an invalid duration throws (validation refuses it first)", () => {
    expect(() => Duration.seconds(0).toGo()).toThrow(/invalid duration/);
  });
});
