/**
 * What a value's destination allows (#14): Git ref names exactly as `git check-ref-format --branch` decides, Go's
 * longest duration, the API server's key prefix and annotation size limits at their edges, and spot prices with up
 * to 5 decimals however binary floating point stores them.
 */
import { spawnSync } from "child_process";
import { Duration, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../lib";
import { isGitRefName } from "../lib/core/git-ref-name";
import { checkAnnotationsSize, checkKeyPrefixLength, MAX_ANNOTATIONS_BYTES } from "../lib/core/kubernetes-limits";
import { PropChecks } from "../lib/core/validation";
import { CLUSTER_ID, cleanupTempDirs, newApp, poolResource, readStackJson, SUBSCRIPTION, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const GIT = spawnSync("git", ["--version"], { encoding: "utf8" });
if (GIT.status !== 0)
  throw new Error(`git is required by this suite (it compares with git check-ref-format): ${GIT.error?.message ?? GIT.stderr}`);

describe("Git ref names agree with git check-ref-format --branch", () => {
  const names = [
    ...["main", "feature/x", "release-1.0", "v1.0.0", "a@b", "{}", "ü-unicode", "a.b/c_d", "x".repeat(250)],
    ...["a@{b}", "a..b", ".hidden", "a/.b", "a.lock", "a/b.lock/c", "a/", "/a", "a//b", "a.", "a b", "a~1", "a^", "a:b", "a?b"],
    ...["a*b", "a[b", "a\\b", "a\u007fb", "tab\there", "new\nline", "x/@{", ""],
  ];
  test.each(names.map((n) => [JSON.stringify(n), n]))("%s", (_shown, name) => {
    const git = spawnSync("git", ["check-ref-format", "--branch", name], { encoding: "utf8" });
    expect(isGitRefName(name)).toBe(git.status === 0);
  });

  test("'-dash', '@' and names over 250 characters are refused (git takes '@' as HEAD and '-…' as an option)", () => {
    expect(["-dash", "@", "x".repeat(251)].map(isGitRefName)).toEqual([false, false, false]);
  });
});

describe("Go duration range", () => {
  const check = (d: Duration): string[] => {
    const c = new PropChecks();
    Duration._check(c, "interval", d);
    return c.all;
  };
  test("Go's longest duration in whole milliseconds is accepted, one millisecond more is refused", () => {
    expect(check(Duration.millis(9_223_372_036_854))).toEqual([]);
    expect(Duration.millis(9_223_372_036_854).toGo()).toBe("2562047h47m16s854ms");
    expect(check(Duration.millis(9_223_372_036_855))).toEqual([expect.stringMatching(/over Go's longest duration/)]);
    expect(check(Duration.parse("2562048h"))).toEqual([expect.stringMatching(/^interval = <"2562048h": over Go's longest duration/)]);
  });
});

describe("API server limits", () => {
  test("a key prefix of 253 characters passes, 254 is refused", () => {
    const run = (prefixLength: number) => {
      const c = new PropChecks();
      checkKeyPrefixLength(c, "labels", `${"a".repeat(prefixLength)}/x`);
      return c.all;
    };
    expect(run(253)).toEqual([]);
    expect(run(254)).toEqual([expect.stringMatching(/has at most 253 characters \(a DNS subdomain\); this one has 254$/)]);
  });

  test("annotations of exactly 256 KiB (keys and UTF-8 bytes of values) pass, one byte more is refused", () => {
    const run = (extra: number) => {
      const c = new PropChecks();
      checkAnnotationsSize(c, "annotations", { k: "é".repeat((MAX_ANNOTATIONS_BYTES - 1) / 2 - 0.5) + "x".repeat(1 + extra) });
      return c.all;
    };
    expect(run(0)).toEqual([]);
    expect(run(1)).toEqual([
      expect.stringMatching(/^annotations = <1 annotations, 262145 bytes>: allowed is annotations of at most 262144/),
    ]);
  });
});

describe("spot.maxPrice decimals", () => {
  const synthPrice = (maxPrice: number): unknown => {
    const ws = workspace();
    const app = newApp(ws);
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(stack, "pool", {
      cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      name: "spot",
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
      spot: { maxPrice },
    });
    app.synth();
    return poolResource(readStackJson(ws.repo, "infra"), "spot").spot_max_price;
  };
  test.each([0.07, 0.29, 1.1, 0.00001, 123.45678, 0.8])("%p is accepted and written as it is", (price) => {
    expect(synthPrice(price)).toBe(price);
  });
  test.each([0.000011, 1e-7, 0.1 + 0.2])("%p (more than 5 decimals) is refused", (price) => {
    expect(() => synthPrice(price)).toThrow(
      /spot\.maxPrice = .*: allowed is -1 \(up to the on-demand price\) or a positive price with at most 5 decimals/,
    );
  });
});
