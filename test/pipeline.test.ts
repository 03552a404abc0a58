/**
 * The synth pipeline as a whole, on a real temp repo: all problems in one error and nothing written on refusal,
 * deterministic bytes, and ownership of the tree (hand-written files, pruning, restore, symlinks, the lock).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  GitOpsApp,
  GitOpsSynthError,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  NodePoolMode,
  SpotEvictionPolicy,
} from "../lib";
import {
  CLUSTER_ID,
  cleanupTempDirs,
  listFiles,
  LOCK_FILE,
  newApp,
  OWNERSHIP_RECORD,
  readText,
  sha256,
  snapshotTree,
  SUBSCRIPTION,
  tempDir,
  thrownBy,
  workspace,
  Workspace,
} from "./helpers";

afterAll(cleanupTempDirs);

interface PoolSpec {
  readonly name: string;
  readonly minCount?: number;
  readonly maxCount?: number;
  readonly preventDestroy?: boolean;
}

/** The app code under test: stacks by id, each with pools. Same specs → same app code. */
function build(app: GitOpsApp, stacks: Record<string, PoolSpec[]>): void {
  for (const [id, pools] of Object.entries(stacks)) {
    const stack = new InfrastructureStack(app, id, { subscriptionId: SUBSCRIPTION });
    for (const p of pools) {
      new GuardedNodePool(stack, p.name, {
        cluster: NodePoolCluster.fromClusterId(CLUSTER_ID.replace("aks-prod", `aks-${id}`)),
        name: p.name,
        vmSize: "Standard_D4s_v5",
        minCount: p.minCount ?? 3,
        maxCount: p.maxCount ?? 6,
        preventDestroy: p.preventDestroy,
      });
    }
  }
}

function synth(ws: Workspace, stacks: Record<string, PoolSpec[]>, props: Parameters<typeof newApp>[1] = {}): GitOpsApp {
  const app = newApp(ws, props);
  build(app, stacks);
  app.synth();
  return app;
}

/** A richer app for the determinism tests: several stacks, pools by id and by name, spot, labels, taints. */
function buildRich(app: GitOpsApp): void {
  const prod = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  const byName = NodePoolCluster.fromClusterName("aks-prod", "rg-prod");
  new GuardedNodePool(prod, "system", {
    cluster: byName,
    name: "system",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 5,
    mode: NodePoolMode.SYSTEM,
    maxPods: 60,
  });
  new GuardedNodePool(prod, "spot", {
    cluster: byName,
    name: "spot",
    vmSize: "Standard_D8s_v5",
    minCount: 3,
    maxCount: 20,
    spot: { evictionPolicy: SpotEvictionPolicy.DEALLOCATE },
    nodeLabels: { workload: "batch", "example.com/team": "data" },
    zones: ["3", "1"],
    tags: { z: "1", a: "2" },
  });
  const dev = new InfrastructureStack(app, "dev", { subscriptionId: SUBSCRIPTION, folderName: "dev-pools" });
  new GuardedNodePool(dev, "apps", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "apps",
    vmSize: "Standard_D2s_v3",
    minCount: 3,
    maxCount: 4,
    nodeCount: 4,
  });
}

const GENERATED = ["infrastructure/dev-pools/main.tf.json", "infrastructure/prod/main.tf.json"];

describe("refusal: every problem at once, nothing written", () => {
  test("GIVEN two bad pools in two stacks WHEN synth THEN one error lists both construct paths", () => {
    const ws = workspace();
    const app = newApp(ws);
    build(app, { one: [{ name: "apps", minCount: 2 }], two: [{ name: "apps", maxCount: 1001 }] });
    const err = thrownBy(() => app.synth()) as GitOpsSynthError;
    expect(err).toBeInstanceOf(GitOpsSynthError);
    expect(err.problems).toEqual([
      expect.stringMatching(/^\[one\/apps\] minCount = 2: allowed is at least the floor guardrails\.minCountFloor = 3/),
      expect.stringMatching(/^\[two\/apps\] maxCount = 1001: allowed is a whole number from 0 to 1000/),
    ]);
    expect(err.message).toMatch(
      /^Synth refused: invalid input \(2 problems; nothing was written\):\n {2}\[one\/apps\] .*\n {2}\[two\/apps\] /,
    );
    expect(fs.existsSync(ws.repo)).toBe(false);
    // cdktf.out untouched too (the validation runs before cdktf's synth): no manifest, no stack folder
    expect(fs.existsSync(path.join(app.outdir, "manifest.json"))).toBe(false);
    expect(fs.readdirSync(path.join(app.outdir, "stacks"))).toEqual([]);
  });

  test("GIVEN a synthesized repo WHEN a later synth is refused THEN every byte of the repo is as before, no lock left", () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps" }] });
    fs.writeFileSync(path.join(ws.repo, "infrastructure", "README.md"), "hand-written\n");
    const before = snapshotTree(ws.repo);

    const app = newApp(ws);
    build(app, { infra: [{ name: "apps", minCount: 1 }], more: [{ name: "more" }] });
    expect(() => app.synth()).toThrow(GitOpsSynthError);
    expect(snapshotTree(ws.repo)).toEqual(before);
  });

  test("GIVEN a refusal at plan time (a foreign file in the way) THEN nothing is written, not even the ownership record", () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws.repo, "infrastructure", "b"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, "infrastructure", "b", "main.tf.json"), "{}\n");
    const app = newApp(ws);
    build(app, { a: [{ name: "apps" }], b: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(GitOpsSynthError);
    expect(listFiles(ws.repo)).toEqual(["infrastructure/b/main.tf.json"]);
  });
});

describe("determinism", () => {
  test("two app instances of the same code write identical bytes for every file", () => {
    const trees = [workspace(), workspace()].map((ws) => {
      const app = newApp(ws);
      buildRich(app);
      app.synth();
      return snapshotTree(ws.repo);
    });
    expect([...trees[0].keys()]).toEqual([OWNERSHIP_RECORD, ...GENERATED]);
    expect(trees[1]).toEqual(trees[0]);
  });

  test("the output does not depend on the order props were written in (keys sorted)", () => {
    const ws = workspace();
    const app = newApp(ws);
    buildRich(app);
    app.synth();
    const text = readText(ws.repo, "infrastructure/prod/main.tf.json");
    expect(text.indexOf('"a": "2"')).toBeLessThan(text.indexOf('"z": "1"'));
    expect(text.indexOf('"example.com/team"')).toBeLessThan(text.indexOf('"workload"'));
  });

  test("a second synth into the same repo reports everything unchanged and rewrites nothing", () => {
    const ws = workspace();
    const first = newApp(ws);
    buildRich(first);
    first.synth();
    expect(first.report).toMatchObject({ written: GENERATED, unchanged: [], removed: [], restored: [] });
    const stat = (): Record<string, [number, number]> =>
      Object.fromEntries(
        listFiles(ws.repo).map((rel) => {
          const s = fs.statSync(path.join(ws.repo, rel));
          return [rel, [s.ino, s.mtimeMs]];
        }),
      );
    const before = stat();

    const second = newApp(ws);
    buildRich(second);
    second.synth();
    expect(second.report).toMatchObject({ root: ws.repo, written: [], unchanged: GENERATED, removed: [], restored: [] });
    expect(stat()).toEqual(before); // same inode and mtime: not even rewritten with equal bytes (the record included)
    expect(listFiles(ws.repo)).not.toContain(LOCK_FILE);
  });

  test("the synth summary line says what happened", () => {
    const ws = workspace();
    const lines: string[] = [];
    synth(ws, { infra: [{ name: "apps" }] }, { log: (l) => lines.push(l) });
    synth(ws, { infra: [{ name: "apps" }] }, { log: (l) => lines.push(l) });
    expect(lines).toEqual([
      "gitops: 1 written, 0 unchanged, 0 removed",
      "gitops: 0 written, 1 unchanged, 0 removed",
      expect.stringMatching(/^gitops: warning: .* is not in a Git work tree: state safety compares with the working tree/),
    ]);
  });
});

describe("ownership", () => {
  test("the ownership record lists exactly the generated files with their sha256", () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws.repo, "clusters", "x"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, "clusters", "x", "own.yaml"), "kind: Mine\n");
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps" }] });
    const record = JSON.parse(readText(ws.repo, OWNERSHIP_RECORD));
    expect(record.generator).toBe("cdktf-aks-gitops");
    const expected = Object.fromEntries(
      ["infrastructure/a/main.tf.json", "infrastructure/b/main.tf.json"].map((rel) => [
        rel,
        sha256(fs.readFileSync(path.join(ws.repo, rel))),
      ]),
    );
    expect(record.files).toEqual(expected);
    expect(readText(ws.repo, OWNERSHIP_RECORD).endsWith("}\n")).toBe(true);
  });

  test("hand-written files survive synths, also inside a generated folder and when that stack is removed", () => {
    const ws = workspace();
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps", preventDestroy: false }] });
    const own = {
      "infrastructure/README.md": "# Our Terraform\n",
      "infrastructure/b/notes.md": "why b exists\n",
      "clusters/x/own.yaml": "apiVersion: v1\nkind: ConfigMap\n",
    };
    for (const [rel, text] of Object.entries(own)) {
      fs.mkdirSync(path.dirname(path.join(ws.repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws.repo, rel), text);
    }
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps", preventDestroy: false }] });
    const app = synth(ws, { a: [{ name: "apps" }] });
    expect(app.report!.removed).toEqual(["infrastructure/b/main.tf.json"]);
    for (const [rel, text] of Object.entries(own)) expect(readText(ws.repo, rel)).toBe(text);
    expect(JSON.parse(readText(ws.repo, OWNERSHIP_RECORD)).files).not.toHaveProperty(["infrastructure/README.md"]);
  });

  test("removing a stack from the app deletes its main.tf.json and the emptied folder on the next synth", () => {
    const ws = workspace();
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps", preventDestroy: false }] });
    expect(fs.existsSync(path.join(ws.repo, "infrastructure", "b", "main.tf.json"))).toBe(true);
    const app = synth(ws, { a: [{ name: "apps" }] });
    expect(app.report!.removed).toEqual(["infrastructure/b/main.tf.json"]);
    expect(fs.existsSync(path.join(ws.repo, "infrastructure", "b"))).toBe(false);
    expect(listFiles(ws.repo)).toEqual([OWNERSHIP_RECORD, "infrastructure/a/main.tf.json"]);
    expect(Object.keys(JSON.parse(readText(ws.repo, OWNERSHIP_RECORD)).files)).toEqual(["infrastructure/a/main.tf.json"]);
  });

  test("removing the last stack removes infrastructure/ too, but never the repo root", () => {
    const ws = workspace();
    synth(ws, { b: [{ name: "apps", preventDestroy: false }] });
    synth(ws, {});
    expect(fs.existsSync(path.join(ws.repo, "infrastructure"))).toBe(false);
    expect(listFiles(ws.repo)).toEqual([OWNERSHIP_RECORD]);
  });

  test("removing a stack whose pool has prevent_destroy is refused by default and its file stays", () => {
    const ws = workspace();
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps" }] });
    const before = snapshotTree(ws.repo);
    const app = newApp(ws);
    build(app, { a: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(/\[.*\] .*prevent_destroy.*acknowledgedChanges/s);
    expect(snapshotTree(ws.repo)).toEqual(before);
  });

  test("a file the library did not generate at a path it wants to write is refused, named clearly, and left untouched", () => {
    const ws = workspace();
    const rel = "infrastructure/infra/main.tf.json";
    fs.mkdirSync(path.join(ws.repo, "infrastructure", "infra"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, rel), '{"resource": {}}\n');
    const app = newApp(ws);
    build(app, { infra: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(
      /\[infra\] output path = "infrastructure\/infra\/main\.tf\.json": a file that cdktf-aks-gitops did not generate is there; it is never overwritten/,
    );
    expect(readText(ws.repo, rel)).toBe('{"resource": {}}\n');
    expect(listFiles(ws.repo)).toEqual([rel]);
  });

  test("a foreign file with exactly the bytes the library would write is adopted (listed in the record)", () => {
    const source = workspace();
    synth(source, { infra: [{ name: "apps" }] });
    const ws = workspace();
    const rel = "infrastructure/infra/main.tf.json";
    fs.mkdirSync(path.join(ws.repo, "infrastructure", "infra"), { recursive: true });
    fs.copyFileSync(path.join(source.repo, rel), path.join(ws.repo, rel));
    const app = synth(ws, { infra: [{ name: "apps" }] });
    expect(app.report).toMatchObject({ written: [], unchanged: [rel] });
    expect(readText(ws.repo, OWNERSHIP_RECORD)).toBe(readText(source.repo, OWNERSHIP_RECORD));
  });

  test("a generated file edited by hand is restored, and the report says so", () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps" }] });
    const rel = "infrastructure/infra/main.tf.json";
    const original = readText(ws.repo, rel);
    fs.writeFileSync(path.join(ws.repo, rel), original.replace('"min_count": 3', '"min_count": 1'));
    const lines: string[] = [];
    const app = synth(ws, { infra: [{ name: "apps" }] }, { log: (l) => lines.push(l) });
    expect(readText(ws.repo, rel)).toBe(original);
    expect(app.report).toMatchObject({ written: [rel], restored: [rel] });
    expect(lines[0]).toMatch(/restored after hand edits: infrastructure\/infra\/main\.tf\.json/);
  });

  test("a generated file broken by a merge conflict is restored", () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps" }] });
    const rel = "infrastructure/infra/main.tf.json";
    const original = readText(ws.repo, rel);
    fs.writeFileSync(path.join(ws.repo, rel), `<<<<<<< HEAD\n${original}=======\n${original}>>>>>>> branch\n`);
    const app = synth(ws, { infra: [{ name: "apps" }] });
    expect(readText(ws.repo, rel)).toBe(original);
    expect(app.report!.restored).toEqual([rel]);
  });

  test("a generated file deleted by hand is written again", () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps" }] });
    const rel = "infrastructure/infra/main.tf.json";
    const original = readText(ws.repo, rel);
    fs.rmSync(path.join(ws.repo, rel));
    const app = synth(ws, { infra: [{ name: "apps" }] });
    expect(app.report).toMatchObject({ written: [rel], restored: [] });
    expect(readText(ws.repo, rel)).toBe(original);
  });

  test("an ownership record that is not ours is refused with a clear error, nothing changed", () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps" }] });
    fs.writeFileSync(path.join(ws.repo, OWNERSHIP_RECORD), '{"files": {}}\n');
    const before = snapshotTree(ws.repo);
    const app = newApp(ws);
    build(app, { other: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(/\.gitops-generated\.json is not a record written by cdktf-aks-gitops; restore it from Git/);
    expect(snapshotTree(ws.repo)).toEqual(before);
  });

  test("infrastructure/ as a symlink to a directory outside the repo: refused, nothing written outside or inside", () => {
    const ws = workspace();
    const outside = tempDir("gitops-outside-");
    fs.mkdirSync(ws.repo);
    fs.symlinkSync(outside, path.join(ws.repo, "infrastructure"), "dir");
    const app = newApp(ws);
    build(app, { infra: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(
      /^infrastructure\/infra\/main\.tf\.json: infrastructure is a symlink; the library reads and writes only real folders/,
    );
    expect(listFiles(outside)).toEqual([]);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readdirSync(ws.repo)).toEqual(["infrastructure"]); // no record, no lock, no temp file
  });

  test("a generated folder replaced by a symlink to outside: the file outside is not overwritten", () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps", minCount: 3 }] });
    const outside = tempDir("gitops-outside-");
    fs.writeFileSync(path.join(outside, "main.tf.json"), '{"outside": true}\n');
    fs.rmSync(path.join(ws.repo, "infrastructure", "infra"), { recursive: true });
    fs.symlinkSync(outside, path.join(ws.repo, "infrastructure", "infra"), "dir");
    const app = newApp(ws);
    build(app, { infra: [{ name: "apps", minCount: 4 }] });
    expect(() => app.synth()).toThrow(/leaves the GitOps repo through a symlink|is a symlink/);
    expect(fs.readFileSync(path.join(outside, "main.tf.json"), "utf8")).toBe('{"outside": true}\n');
    expect(fs.readdirSync(outside)).toEqual(["main.tf.json"]);
  });

  test("a failed removal leaves the ownership record listing the file (the record is written last)", () => {
    const ws = workspace();
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps", preventDestroy: false }] });
    const outside = tempDir("gitops-outside-");
    fs.renameSync(path.join(ws.repo, "infrastructure", "b"), path.join(outside, "b"));
    fs.symlinkSync(path.join(outside, "b"), path.join(ws.repo, "infrastructure", "b"), "dir");
    const app = newApp(ws);
    build(app, { a: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(/symlink/);
    expect(fs.existsSync(path.join(outside, "b", "main.tf.json"))).toBe(true);
    expect(Object.keys(JSON.parse(readText(ws.repo, OWNERSHIP_RECORD)).files)).toContain("infrastructure/b/main.tf.json");
  });

  test("pruning removes the emptied folder also when the repo root path goes through a symlink", () => {
    const ws = workspace();
    const real = path.join(ws.dir, "real-repo");
    fs.mkdirSync(real);
    fs.symlinkSync(real, ws.repo, "dir");
    synth(ws, { a: [{ name: "apps" }], b: [{ name: "apps", preventDestroy: false }] });
    const app = synth(ws, { a: [{ name: "apps" }] });
    expect(app.report!.removed).toEqual(["infrastructure/b/main.tf.json"]);
    expect(fs.existsSync(path.join(real, "infrastructure", "b"))).toBe(false);
  });
});

describe("the repo lock", () => {
  test("a lock held by a live process makes a second synth fail clearly, and leaves that lock alone", async () => {
    const ws = workspace();
    synth(ws, { infra: [{ name: "apps" }] });
    const before = snapshotTree(ws.repo);
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      fs.writeFileSync(path.join(ws.repo, LOCK_FILE), String(holder.pid));
      const app = newApp(ws);
      build(app, { infra: [{ name: "apps", minCount: 4 }] });
      expect(() => app.synth()).toThrow(
        new RegExp(
          `another synth is writing this GitOps repo \\(lock \\${LOCK_FILE} held by pid ${holder.pid}\\); wait for it to finish and run synth again`,
        ),
      );
      expect(readText(ws.repo, LOCK_FILE)).toBe(String(holder.pid));
      fs.rmSync(path.join(ws.repo, LOCK_FILE));
      expect(snapshotTree(ws.repo)).toEqual(before);
    } finally {
      holder.kill();
    }
  });

  test("a lock held by this very process (a synth in progress) is not taken over", () => {
    const ws = workspace();
    fs.mkdirSync(ws.repo);
    fs.writeFileSync(path.join(ws.repo, LOCK_FILE), String(process.pid));
    const app = newApp(ws);
    build(app, { infra: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(new RegExp(`held by pid ${process.pid}`));
    expect(listFiles(ws.repo)).toEqual([LOCK_FILE]);
  });

  test("a stale lock (its pid is gone) is taken over, and released after the synth", () => {
    const ws = workspace();
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const stalePid = Number(gone.stdout.trim());
    expect(() => process.kill(stalePid, 0)).toThrow(); // the process has exited
    fs.mkdirSync(ws.repo);
    fs.writeFileSync(path.join(ws.repo, LOCK_FILE), String(stalePid));
    const app = synth(ws, { infra: [{ name: "apps" }] });
    expect(app.report!.written).toEqual(["infrastructure/infra/main.tf.json"]);
    expect(listFiles(ws.repo)).toEqual([OWNERSHIP_RECORD, "infrastructure/infra/main.tf.json"]);
  });

  test("the lock is released when a synth is refused at plan time", () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws.repo, "infrastructure", "infra"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, "infrastructure", "infra", "main.tf.json"), "mine\n");
    const app = newApp(ws);
    build(app, { infra: [{ name: "apps" }] });
    expect(() => app.synth()).toThrow(GitOpsSynthError);
    expect(fs.existsSync(path.join(ws.repo, LOCK_FILE))).toBe(false);
  });
});

describe("where the repo is", () => {
  test("a relative gitopsRoot is taken from the directory of cdktf.json, not from the cwd", () => {
    const ws = workspace();
    const project = path.resolve(__dirname, "..");
    const cwd = process.cwd();
    try {
      process.chdir(path.join(project, "test")); // below the project: cdktf.json is found upwards
      const app = newApp(ws, { gitopsRoot: path.relative(project, ws.repo) });
      expect(app.gitopsRoot).toBe(ws.repo);
    } finally {
      process.chdir(cwd);
    }
  });

  test("the gitopsRoot context entry is used when the prop is not given", () => {
    const ws = workspace();
    const app = newApp(ws, { gitopsRoot: undefined, context: { gitopsRoot: ws.repo } });
    expect(app.gitopsRoot).toBe(ws.repo);
  });
});
