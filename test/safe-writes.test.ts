/**
 * Safe writes (issue #5 item 3), on real temp repos: a synth that fails midway (in process, or killed) leaves the
 * previous tree byte-identical, right away or after the next synth's recovery; two synths started at once never
 * interleave; output paths never leave the repo; every generated file says it is generated, and a hand edit is
 * restored.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  Duration,
  FluxBootstrap,
  FluxInstallMode,
  GitOpsApp,
  GitOpsAppProps,
  GitOpsSynthError,
  GitRef,
  GitRepositorySource,
  OciRef,
  OciRepositorySource,
} from "../lib";
import { OWNERSHIP_RECORD_PATH } from "../lib/synth/ownership";
import { renderFiles } from "../lib/synth/render-tree";
import { JOURNAL_FILE } from "../lib/synth/write";
import {
  cleanupTempDirs,
  listFiles,
  LOCK_FILE,
  newApp,
  readText,
  snapshotTree,
  SUBSCRIPTION,
  tempDir,
  thrownBy,
  workspace,
  Workspace,
} from "./helpers";
import { buildVariant, Variant } from "./safe-writes-app";

afterAll(cleanupTempDirs);
afterEach(() => jest.restoreAllMocks());

// The module object the library calls (fs.renameSync etc. are looked up on it at every call).
const nodeFs = require("fs") as typeof fs;
const realRename = nodeFs.renameSync;
const realWriteFile = nodeFs.writeFileSync;

/** Files a synth leaves only while it runs, or after it died: temp files, backups, the journal, the lock. */
const TRANSIENT = /(\.gitops-tmp|\.gitops-bak|\.stale)$|^\.gitops-synth\.(journal|lock)/;

function transient(repo: string): string[] {
  return listFiles(repo).filter((f) => TRANSIENT.test(path.basename(f)) || TRANSIENT.test(f));
}

function synthVariant(ws: Workspace, variant: Variant, props: Partial<GitOpsAppProps> = {}): GitOpsApp {
  const app = newApp(ws, props);
  buildVariant(app, variant);
  app.synth();
  return app;
}

/** The tree a fresh synth of the variant writes into an empty repo. */
const references = new Map<Variant, Map<string, Buffer>>();
function reference(variant: Variant): Map<string, Buffer> {
  if (!references.has(variant)) {
    const ws = workspace();
    synthVariant(ws, variant);
    references.set(variant, snapshotTree(ws.repo));
  }
  return references.get(variant)!;
}

function inRepo(ws: Workspace, p: fs.PathLike): boolean {
  return path.resolve(String(p)).startsWith(fs.realpathSync(ws.repo) + path.sep);
}

/** Makes the (n+1)th and later renames into the repo throw (n = 0: the first one), like a full or failing disk. */
function failRenamesFrom(ws: Workspace, n: number, { alsoRollback = false } = {}): () => number {
  let count = 0;
  let failed = false;
  jest.spyOn(nodeFs, "renameSync").mockImplementation((from, to) => {
    if (inRepo(ws, to)) {
      if ((count >= n && !failed) || (failed && alsoRollback)) {
        failed = true;
        throw Object.assign(new Error(`EIO: injected failure, rename ${path.basename(String(to))}`), { code: "EIO" });
      }
      count++;
    }
    return realRename(from, to);
  });
  return () => count;
}

/** The renames into the repo a v1 → v2 synth does (so every failure point can be tried). */
function renamesOfV1ToV2(): number {
  const ws = workspace();
  synthVariant(ws, "v1");
  let count = 0;
  const spy = jest.spyOn(nodeFs, "renameSync").mockImplementation((from, to) => {
    if (inRepo(ws, to)) count++;
    return realRename(from, to);
  });
  synthVariant(ws, "v2");
  spy.mockRestore();
  return count;
}

describe("a synth that fails midway leaves the previous tree byte-identical", () => {
  const total = renamesOfV1ToV2();

  test("the v1 → v2 synth changes, adds and removes files (so every failure point below is a real one)", () => {
    const ws = workspace();
    synthVariant(ws, "v1");
    const app = synthVariant(ws, "v2");
    expect(app.report).toMatchObject({
      written: [
        "infrastructure/added/main.tf.json",
        "infrastructure/s0/main.tf.json",
        "infrastructure/s1/main.tf.json",
        "infrastructure/s2/main.tf.json",
      ],
      removed: ["infrastructure/s3/main.tf.json"],
    });
    // journal ("applying"), 4 files, the record, journal ("committed")
    expect(total).toBe(7);
    expect(snapshotTree(ws.repo)).toEqual(reference("v2"));
  });

  test.each(Array.from({ length: total }, (_, n) => n))(
    "rename %i into the repo fails: rolled back in process, no leftovers, next synth writes the new tree",
    (n) => {
      const ws = workspace();
      synthVariant(ws, "v1");
      const before = snapshotTree(ws.repo);
      failRenamesFrom(ws, n);
      const err = thrownBy(() => synthVariant(ws, "v2"));
      expect(err.message).toMatch(/EIO: injected failure/);
      expect(snapshotTree(ws.repo)).toEqual(before); // byte-identical: every file, no more, no fewer (no lock, no journal)
      expect(transient(ws.repo)).toEqual([]);
      expect(fs.existsSync(path.join(ws.repo, "infrastructure", "added"))).toBe(false); // the folder it created is gone

      jest.restoreAllMocks();
      synthVariant(ws, "v2");
      expect(snapshotTree(ws.repo)).toEqual(reference("v2"));
    },
  );

  test.each([0, 2, 4])("writing temp file %i fails (disk full): nothing changed, no leftovers", (n) => {
    const ws = workspace();
    synthVariant(ws, "v1");
    const before = snapshotTree(ws.repo);
    let count = 0;
    jest.spyOn(nodeFs, "writeFileSync").mockImplementation((file, data, options) => {
      if (String(file).endsWith(".gitops-tmp") && !String(file).includes(JOURNAL_FILE) && count++ >= n) {
        throw Object.assign(new Error("ENOSPC: injected, no space left on device"), { code: "ENOSPC" });
      }
      return realWriteFile(file, data, options);
    });
    expect(() => synthVariant(ws, "v2")).toThrow(/ENOSPC/);
    expect(snapshotTree(ws.repo)).toEqual(before);
    expect(transient(ws.repo)).toEqual([]);
  });

  test("a folder that cannot be created (a regular file in the way): nothing changed, the file in the way untouched", () => {
    const ws = workspace();
    synthVariant(ws, "v1");
    fs.writeFileSync(path.join(ws.repo, "infrastructure", "added"), "a file where v2 needs a folder\n");
    const before = snapshotTree(ws.repo);
    expect(() => synthVariant(ws, "v2")).toThrow(/infrastructure\/added is a file where the library needs a folder: move the file away/);
    expect(snapshotTree(ws.repo)).toEqual(before);
    expect(transient(ws.repo)).toEqual([]);
  });

  test("the rollback fails too: the journal stays, and the next synth restores the previous tree before it plans", () => {
    const ws = workspace();
    synthVariant(ws, "v1");
    const before = snapshotTree(ws.repo);
    failRenamesFrom(ws, 3, { alsoRollback: true });
    const err = thrownBy(() => synthVariant(ws, "v2"));
    expect(err.message).toMatch(
      /could not roll back .*\.gitops-synth\.journal is left in the repo: the next synth restores the previous tree from it/,
    );
    expect(fs.existsSync(path.join(ws.repo, JOURNAL_FILE))).toBe(true);
    expect(snapshotTree(ws.repo)).not.toEqual(before); // half written: two files of v2 are in place

    jest.restoreAllMocks();
    const lines: string[] = [];
    const app = synthVariant(ws, "v1", { log: (l) => lines.push(l) }); // the previous code again
    expect(lines[0]).toMatch(/^gitops: rolled back an interrupted synth \(pid \d+\): the tree is as before it$/);
    expect(app.report).toMatchObject({ written: [], removed: [], restored: [] }); // the rollback alone restored every byte
    expect(snapshotTree(ws.repo)).toEqual(before);
  });
});

/** Runs test/safe-writes-child.ts in a child process. */
function child(
  options: Record<string, unknown>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(__dirname, "safe-writes-child.ts"), JSON.stringify(options)],
      {
        cwd: path.resolve(__dirname, ".."),
        env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, "..", "tsconfig.json") },
      },
    );
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("a synth killed midway (no chance to roll back)", () => {
  test.each([0, 1, 3, 5, 6])(
    "killed before rename %i: the next synth rolls it back first; the tree is byte-identical to before",
    async (n) => {
      const ws = workspace();
      synthVariant(ws, "v1");
      const before = snapshotTree(ws.repo);
      const r = await child({ repo: ws.repo, outdir: path.join(ws.dir, "child-out"), variant: "v2", killBeforeRename: n });
      expect(r.signal).toBe("SIGKILL");
      expect(listFiles(ws.repo)).toContain(LOCK_FILE); // the dead synth's lock is still there
      if (n > 0) expect(listFiles(ws.repo)).toContain(JOURNAL_FILE);

      const lines: string[] = [];
      const app = synthVariant(ws, "v1", { log: (l) => lines.push(l) });
      if (n > 0) expect(lines[0]).toMatch(/^gitops: rolled back an interrupted synth/);
      expect(app.report).toMatchObject({ written: [], removed: [], restored: [] });
      expect(snapshotTree(ws.repo)).toEqual(before);
      expect(transient(ws.repo)).toEqual([]);
    },
    60_000,
  );

  test("killed while staging (temp files and backups of two files written): the next synth removes them; byte-identical", async () => {
    const ws = workspace();
    synthVariant(ws, "v1");
    const before = snapshotTree(ws.repo);
    const r = await child({ repo: ws.repo, outdir: path.join(ws.dir, "child-out"), variant: "v2", killBeforeTempWrite: 2 });
    expect(r.signal).toBe("SIGKILL");
    expect(transient(ws.repo).filter((f) => f.endsWith(".gitops-tmp"))).toHaveLength(2);
    expect(transient(ws.repo).filter((f) => f.endsWith(".gitops-bak")).length).toBeGreaterThan(0);

    const lines: string[] = [];
    const app = synthVariant(ws, "v1", { log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^gitops: rolled back an interrupted synth/);
    expect(app.report).toMatchObject({ written: [], removed: [], restored: [] });
    expect(snapshotTree(ws.repo)).toEqual(before);
    expect(transient(ws.repo)).toEqual([]);
    expect(fs.existsSync(path.join(ws.repo, "infrastructure", "added"))).toBe(false);
  }, 60_000);

  test("killed right after the commit point: the next synth only cleans up; the tree is the new one", async () => {
    const ws = workspace();
    synthVariant(ws, "v1");
    const r = await child({ repo: ws.repo, outdir: path.join(ws.dir, "child-out"), variant: "v2", killAfterCommit: true });
    expect(r.signal).toBe("SIGKILL");
    expect(transient(ws.repo).some((f) => f.endsWith(".gitops-bak"))).toBe(true);

    const lines: string[] = [];
    const app = synthVariant(ws, "v2", { log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^gitops: completed the cleanup of an interrupted synth \(pid \d+\); the tree it wrote was complete$/);
    expect(app.report).toMatchObject({ written: [], removed: [] });
    expect(snapshotTree(ws.repo)).toEqual(reference("v2"));
  }, 60_000);
});

describe("two synths started at once", () => {
  test("never interleave: each synth either writes alone or is refused with the lock message; the tree is one whole synth", async () => {
    const ws = workspace();
    const barrier = tempDir("barrier-");
    const runs = (["a", "b"] as const).map((variant) =>
      child({ repo: ws.repo, outdir: path.join(ws.dir, `out-${variant}`), variant, synths: 4, barrier: { dir: barrier, name: variant } }),
    );
    const deadline = Date.now() + 90_000;
    while (!(fs.existsSync(path.join(barrier, "ready-a")) && fs.existsSync(path.join(barrier, "ready-b")))) {
      if (Date.now() > deadline) throw new Error("children did not get ready");
      await new Promise((r) => setTimeout(r, 20));
    }
    fs.writeFileSync(path.join(barrier, "go"), "");
    const [a, b] = await Promise.all(runs);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, "", ""]);
    type SynthResult = { ok: boolean; error?: string; renames: number[] };
    const results = { a: JSON.parse(a.stdout) as SynthResult[], b: JSON.parse(b.stdout) as SynthResult[] };

    // Every synth succeeded or was told clearly that another one holds the lock.
    for (const r of [...results.a, ...results.b]) {
      if (!r.ok) {
        expect(r.error).toMatch(
          /^another synth is writing this GitOps repo \(lock \.gitops-synth\.lock held by pid (\d+|\?)\); wait for it to finish and run synth again/,
        );
        expect(r.renames).toEqual([]); // a refused synth wrote nothing
      }
    }
    // The writes of two synths never overlap in time.
    const windows = (rs: SynthResult[]): [number, number][] =>
      rs.filter((r) => r.renames.length).map((r) => [Math.min(...r.renames), Math.max(...r.renames)]);
    for (const [s1, e1] of windows(results.a)) for (const [s2, e2] of windows(results.b)) expect(e1 < s2 || e2 < s1).toBe(true);
    expect(results.a.some((r) => r.ok) || results.b.some((r) => r.ok)).toBe(true);

    // The tree is exactly what one of them writes, nothing mixed, nothing left behind.
    const tree = snapshotTree(ws.repo);
    expect([reference("a"), reference("b")]).toContainEqual(tree);
    expect(transient(ws.repo)).toEqual([]);
  }, 120_000);
});

describe("output paths stay inside the GitOps repo", () => {
  test.each([
    ["../outside.yaml", 'a path with an empty, "." or ".." segment'],
    ["clusters/../../outside.yaml", 'a path with an empty, "." or ".." segment'],
    ["/etc/passwd", "an absolute path"],
    ["C:/Windows/x.yaml", "an absolute path"],
    ["clusters\\x.yaml", "a path with a backslash (use forward slashes)"],
    ["clusters//x.yaml", 'a path with an empty, "." or ".." segment'],
    ["clusters/./x.yaml", 'a path with an empty, "." or ".." segment'],
    ["", "an empty path"],
    ["clusters/a b.yaml", 'a path segment "a b.yaml" with characters outside [A-Za-z0-9._-]'],
  ])("%j is refused before anything is written", (rel, reason) => {
    const err = thrownBy(() =>
      renderFiles([{ path: rel, source: "app/x", content: { format: "yaml", documents: [{}] } }]),
    ) as GitOpsSynthError;
    expect(err).toBeInstanceOf(GitOpsSynthError);
    expect(err.problems).toEqual([
      `[app/x] output path = ${JSON.stringify(rel)}: allowed is a relative path inside the repo, not ${reason}`,
    ]);
  });

  test("a generated file replaced by a symlink to a file outside: refused, the outside file untouched, the tree unchanged", () => {
    const ws = workspace();
    synthVariant(ws, "v1");
    const outside = path.join(tempDir("gitops-outside-"), "secret.json");
    fs.writeFileSync(outside, '{"outside": true}\n');
    const rel = path.join(ws.repo, "infrastructure", "s1", "main.tf.json");
    fs.rmSync(rel);
    fs.symlinkSync(outside, rel);
    const before = snapshotTree(ws.repo);
    expect(() => synthVariant(ws, "v2")).toThrow(
      /^infrastructure\/s1\/main\.tf\.json is a symlink; the library reads and writes only real folders and regular files/,
    );
    expect(fs.readFileSync(outside, "utf8")).toBe('{"outside": true}\n');
    expect(snapshotTree(ws.repo)).toEqual(before);
    expect(transient(ws.repo)).toEqual([]);
  });

  test("clusters/ as a symlink to a folder outside: refused before anything is written, inside or outside", () => {
    const ws = workspace();
    const outside = tempDir("gitops-outside-");
    fs.mkdirSync(ws.repo);
    fs.symlinkSync(outside, path.join(ws.repo, "clusters"), "dir");
    expect(() => synthVariant(ws, "v1")).toThrow(
      /^clusters\/aks-dev\/\S+: clusters is a symlink; the library reads and writes only real folders/,
    );
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readdirSync(ws.repo)).toEqual(["clusters"]);
  });

  test("a symlink that stays inside the repo is refused too (no symlink on the way, whatever it points to)", () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws.repo, "real-infrastructure"), { recursive: true });
    fs.symlinkSync(path.join(ws.repo, "real-infrastructure"), path.join(ws.repo, "infrastructure"), "dir");
    expect(() => synthVariant(ws, "v1")).toThrow(/infrastructure is a symlink/);
    expect(fs.readdirSync(path.join(ws.repo, "real-infrastructure"))).toEqual([]);
  });

  test("the GitOps repo itself may be anywhere: an absolute gitopsRoot outside the project, or a relative one with ..", () => {
    const ws = workspace();
    const project = path.resolve(__dirname, "..");
    const app = newApp(ws, { gitopsRoot: path.relative(project, ws.repo) }); // ../../tmp/… from the project
    expect(path.relative(project, ws.repo).startsWith("..")).toBe(true);
    buildVariant(app, "v1");
    app.synth();
    expect(snapshotTree(ws.repo)).toEqual(reference("v1"));
  });
});

describe("generated files say so; hand edits are restored", () => {
  function richApp(ws: Workspace, props: Partial<GitOpsAppProps> = {}): GitOpsApp {
    const app = newApp(ws, props);
    buildVariant(app, "v1");
    const aks = new FluxBootstrap(app, "aks", {
      clusterName: "aks-prod",
      repositoryUrl: "https://github.com/example-org/gitops.git",
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: { subscriptionId: SUBSCRIPTION, clusterName: "aks-prod", resourceGroupName: "rg-prod" },
      tofuController: { namespace: "tofu-system" },
    });
    new GitRepositorySource(app, "release", { cluster: aks, ref: GitRef.branch("release"), interval: Duration.minutes(5) });
    new OciRepositorySource(app, "artifact", { cluster: aks, url: "oci://example.azurecr.io/infra", ref: OciRef.tag("v1.0.0") });
    return app;
  }

  test('every file of the tree carries the generated marker: JSON in "//", YAML in its first line', () => {
    const ws = workspace();
    richApp(ws).synth();
    const files = listFiles(ws.repo);
    const record = JSON.parse(readText(ws.repo, OWNERSHIP_RECORD_PATH)) as { files: Record<string, string> };
    expect(files).toEqual([OWNERSHIP_RECORD_PATH, ...Object.keys(record.files)].sort());
    expect(files.some((f) => f.endsWith(".json") && f.startsWith("bootstrap/"))).toBe(true);
    expect(files.filter((f) => f.endsWith(".yaml")).length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readText(ws.repo, f);
      if (f.endsWith(".json")) {
        const marker = JSON.parse(text)["//"];
        const notice = typeof marker === "string" ? marker : marker.notice;
        expect([f, notice]).toEqual([f, expect.stringMatching(/(Generated by|generated by) cdktf-aks-gitops/)]);
        if (f !== OWNERSHIP_RECORD_PATH)
          expect([f, notice]).toEqual([
            f,
            expect.stringMatching(/^Generated by cdktf-aks-gitops from construct \S+\. Do not edit: the next synth overwrites it\.$/),
          ]);
      } else {
        expect([f, text.split("\n")[0]]).toEqual([
          f,
          expect.stringMatching(/^# Generated by cdktf-aks-gitops from construct \S+\. Do not edit: the next synth overwrites it\.$/),
        ]);
      }
    }
  });

  test("a generated YAML file edited by hand is restored on the next synth, and the synth says so", () => {
    const ws = workspace();
    richApp(ws).synth();
    const rel = "clusters/aks-dev/terraform/s0.yaml";
    const original = readText(ws.repo, rel);
    fs.writeFileSync(path.join(ws.repo, rel), original.replace("approvePlan: auto", "approvePlan: disable"));
    const lines: string[] = [];
    const app = richApp(ws, { log: (l) => lines.push(l) });
    app.synth();
    expect(readText(ws.repo, rel)).toBe(original);
    expect(app.report!.restored).toEqual([rel]);
    expect(lines.join("\n")).toMatch(/restored after hand edits: clusters\/aks-dev\/terraform\/s0\.yaml/);
  });
});
