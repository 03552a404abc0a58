/**
 * The GitOps repo is untrusted input (issue #12): every row of the table, tried as an attacker (or a
 * hurried colleague) would, on real temp repos, most of them real Git repos made with `git init`. Each test hashes
 * the whole temp tree (`.git` included, symlinks by their target) before and after, and a sentinel file outside it.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  ApprovalMode,
  FluxBootstrap,
  GitOpsApp,
  GitOpsAppProps,
  GitOpsSynthError,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  NodePoolOsType,
} from "../lib";
import { OWNERSHIP_RECORD_PATH } from "../lib/synth/ownership";
import { JOURNAL_FILE } from "../lib/synth/write";
import {
  CLUSTER_ID,
  cleanupTempDirs,
  newApp,
  readText,
  RUNNER_CREDENTIALS,
  SUBSCRIPTION,
  thrownBy,
  workspace,
  Workspace,
  git,
} from "./helpers";
import { buildVariant, Variant } from "./safe-writes-app";

afterAll(cleanupTempDirs);

// ------------------------------------------------------------------------------------------------ fixtures

/** A workspace whose repo is a Git repo (branch main) with a sentinel file outside it. */
function gitWorkspace(): Workspace {
  const ws = plainWorkspace();
  fs.mkdirSync(ws.repo, { recursive: true });
  git(ws.repo, "init", "-q", "-b", "main");
  fs.writeFileSync(path.join(ws.repo, "README.md"), "# the GitOps repo\n");
  return ws;
}

function plainWorkspace(): Workspace {
  const ws = workspace();
  fs.writeFileSync(sentinel(ws), "outside the repo\n");
  return ws;
}

function sentinel(ws: Workspace): string {
  return path.join(ws.dir, "sentinel.txt");
}

function commitAll(ws: Workspace, message = "synth"): void {
  git(ws.repo, "add", "-A");
  git(ws.repo, "commit", "-q", "--allow-empty", "-m", message);
}

/** A digest of every entry under dir, `.git` included: files by content, symlinks by target, folders by name. */
function treeDigest(dir: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (abs: string, rel: string): void => {
    for (const name of fs.readdirSync(abs).sort()) {
      const a = path.join(abs, name);
      const r = `${rel}/${name}`;
      const st = fs.lstatSync(a);
      if (st.isSymbolicLink()) hash.update(`L ${r} -> ${fs.readlinkSync(a)}\n`);
      else if (st.isDirectory()) {
        hash.update(`D ${r}\n`);
        walk(a, r);
      } else hash.update(`F ${r} ${crypto.createHash("sha256").update(fs.readFileSync(a)).digest("hex")}\n`);
    }
  };
  walk(dir, "");
  return hash.digest("hex");
}

/** Runs fn, expects it to throw, and expects nothing in the repo or outside it to have changed. */
function refusedUntouched(ws: Workspace, fn: () => unknown): Error {
  const before = treeDigest(ws.repo);
  const outside = fs.readFileSync(sentinel(ws), "utf8");
  const err = thrownBy(fn);
  expect(treeDigest(ws.repo)).toBe(before);
  expect(fs.readFileSync(sentinel(ws), "utf8")).toBe(outside);
  return err;
}

function synthVariant(ws: Workspace, variant: Variant, props: Partial<GitOpsAppProps> = {}): GitOpsApp {
  const app = newApp(ws, props);
  buildVariant(app, variant);
  app.synth();
  return app;
}

interface Spec {
  readonly preventDestroy?: boolean;
  readonly osType?: NodePoolOsType;
  readonly poolName?: string;
  readonly pool?: boolean;
  readonly terraformName?: string;
  readonly destroyResourcesOnDeletion?: boolean;
}

/** One stack `prod` with a guarded pool, reconciled by one Terraform object on cluster aks-prod. */
function synthSpec(ws: Workspace, spec: Spec, props: Partial<GitOpsAppProps> = {}): GitOpsApp {
  const app = newApp(ws, props);
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  if (spec.pool !== false) {
    new GuardedNodePool(stack, "apps", {
      cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      name: spec.poolName ?? "apps",
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
      osType: spec.osType,
      preventDestroy: spec.preventDestroy,
    });
  }
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-prod", repositoryUrl: "https://github.com/example-org/gitops.git" });
  flux.addTerraform(spec.terraformName ?? "aks", {
    stack,
    approval: ApprovalMode.AUTO,
    destroyResourcesOnDeletion: spec.destroyResourcesOnDeletion,
    runnerPod: RUNNER_CREDENTIALS,
  });
  app.synth();
  return app;
}

function problemsOf(err: Error): readonly string[] {
  expect(err).toBeInstanceOf(GitOpsSynthError);
  return (err as GitOpsSynthError).problems;
}

function ackOf(problem: string): string {
  const m = /acknowledgedChanges: \["([^"]+)"\]$/.exec(problem);
  if (!m) throw new Error(`no acknowledgement in ${problem}`);
  return m[1];
}

const S0 = "infrastructure/s0/main.tf.json";
const S3 = "infrastructure/s3/main.tf.json";

// ------------------------------------------------------------------------------------------------ the rows

describe("row 1: planted symlinks at temp-file names are never followed", () => {
  test("links at every predictable temp name (pid-based, the old journal temp) to a file outside: untouched, the record a regular file", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    const pid = process.pid; // the synth runs in this process: the old names were exactly these
    const planted = [
      `${OWNERSHIP_RECORD_PATH}.${pid}.gitops-tmp`,
      `${S0}.${pid}.gitops-tmp`,
      `${S0}.${pid}.gitops-bak`,
      `${JOURNAL_FILE}.gitops-tmp`,
      `${JOURNAL_FILE}.${pid}.gitops-tmp`,
    ];
    for (const rel of planted) fs.symlinkSync(sentinel(ws), path.join(ws.repo, ...rel.split("/")));
    commitAll(ws, "plant links");

    const app = synthVariant(ws, "v2");
    expect(app.report!.written).toContain(S0);
    expect(fs.readFileSync(sentinel(ws), "utf8")).toBe("outside the repo\n");
    expect(fs.lstatSync(path.join(ws.repo, OWNERSHIP_RECORD_PATH)).isFile()).toBe(true);
    expect(fs.lstatSync(path.join(ws.repo, S0)).isFile()).toBe(true);
    expect(JSON.parse(readText(ws.repo, OWNERSHIP_RECORD_PATH)).files[S0]).toMatch(/^[0-9a-f]{64}$/);
    // Not ours: the planted links stay as they are.
    for (const rel of planted) {
      expect(fs.readlinkSync(path.join(ws.repo, ...rel.split("/")))).toBe(sentinel(ws));
    }
  });
});

describe("row 2: a crafted journal is refused, nothing is rolled back or deleted", () => {
  const journal = (entries: object[], extra: object = {}): string =>
    JSON.stringify({ phase: "applying", pid: 4242, entries, createdDirs: [], ...extra });

  test("a committed journal (phase applying) naming a generated file: refused, because Git tracks it", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    fs.writeFileSync(path.join(ws.repo, JOURNAL_FILE), journal([{ path: S0, write: true, backup: false }]));
    commitAll(ws);
    const err = refusedUntouched(ws, () => synthVariant(ws, "v1"));
    expect(err.message).toMatch(
      /^\.gitops-synth\.journal is tracked by Git, so it was committed, not left by an interrupted synth .*; nothing was rolled back or deleted/,
    );
  });

  test.each([
    ["README.md", /entry "README\.md" is outside the folders the library writes/],
    [".git/HEAD", /entry "\.git\/HEAD" is a path in a \.git folder/],
    ["clusters/.git/config", /entry "clusters\/\.git\/config" is a path in a \.git folder/],
    ["infrastructure/../README.md", /entry "infrastructure\/\.\.\/README\.md" is a path with an empty, "\." or "\.\." segment/],
    [
      "infrastructure/linked/x.json",
      /entry "infrastructure\/linked\/x\.json": infrastructure\/linked\/x\.json: infrastructure\/linked is a symlink/,
    ],
  ])("an untracked journal naming %j: refused naming the entry", (entry, message) => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    const outside = path.join(ws.dir, "outside-folder");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "x.json"), "outside\n");
    fs.symlinkSync(outside, path.join(ws.repo, "infrastructure", "linked"), "dir");
    fs.writeFileSync(path.join(ws.repo, JOURNAL_FILE), journal([{ path: entry, write: true, backup: false }]));
    const err = refusedUntouched(ws, () => synthVariant(ws, "v1"));
    expect(err.message).toMatch(/^\.gitops-synth\.journal \(left by an interrupted synth\) names what the library never writes/);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/nothing was rolled back or deleted: restore the tree from Git and delete \.gitops-synth\.journal$/);
    expect(fs.readFileSync(path.join(outside, "x.json"), "utf8")).toBe("outside\n");
  });

  test("a journal that passes the checks still deletes only what its synth wrote (exact bytes): a hand-written file stays", () => {
    const ws = plainWorkspace();
    synthVariant(ws, "v1");
    const mine = "clusters/aks-dev/notes.yaml";
    fs.writeFileSync(path.join(ws.repo, mine), "# written by a person\n");
    // "write, no backup" means "a new file of that synth": the rollback would delete it.
    const entries = [mine, S0].map((p) => ({ path: p, write: true, backup: false, sha256: "0".repeat(64) }));
    fs.writeFileSync(path.join(ws.repo, JOURNAL_FILE), journal(entries, { token: "0123456789abcdef0123456789abcdef" }));
    const lines: string[] = [];
    synthVariant(ws, "v1", { log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/rolled back an interrupted synth/);
    expect(readText(ws.repo, mine)).toBe("# written by a person\n");
    expect(fs.existsSync(path.join(ws.repo, S0))).toBe(true);
    expect(fs.existsSync(path.join(ws.repo, JOURNAL_FILE))).toBe(false);
  });

  test("a journal that is a symlink is refused", () => {
    const ws = plainWorkspace();
    synthVariant(ws, "v1");
    fs.symlinkSync(sentinel(ws), path.join(ws.repo, JOURNAL_FILE));
    const err = refusedUntouched(ws, () => synthVariant(ws, "v1"));
    expect(err.message).toMatch(
      /^\.gitops-synth\.journal is a symlink, not a journal this library wrote; nothing was rolled back or deleted/,
    );
  });
});

describe("row 3: a crafted ownership record is refused, nothing is deleted", () => {
  test("the record edited to list README.md, .git/HEAD, .git/config: refused naming each entry; Git intact", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    const file = path.join(ws.repo, OWNERSHIP_RECORD_PATH);
    const record = JSON.parse(fs.readFileSync(file, "utf8"));
    const hash = (rel: string): string =>
      crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(ws.repo, rel)))
        .digest("hex");
    for (const rel of ["README.md", ".git/HEAD", ".git/config"]) record.files[rel] = hash(rel);
    fs.writeFileSync(file, JSON.stringify(record, null, 2));
    commitAll(ws, "crafted record");
    const err = refusedUntouched(ws, () => synthVariant(ws, "v2")); // v2 would remove s3: nothing is removed either
    expect(err.message).toMatch(
      /^\.gitops-generated\.json lists files the library never writes, so it was not written by cdktf-aks-gitops/,
    );
    for (const rel of ["README.md", ".git/HEAD", ".git/config"]) expect(err.message).toContain(`entry ${JSON.stringify(rel)} is `);
    expect(err.message).toMatch(/nothing was written or deleted: restore it from Git/);
    expect(fs.existsSync(path.join(ws.repo, S3))).toBe(true);
    expect(git(ws.repo, "status", "--porcelain")).toBe("");
  });

  test("the record listing a file inside the output folders that lacks the generated marker: kept, no longer listed, a warning", () => {
    const ws = plainWorkspace();
    synthVariant(ws, "v1");
    const mine = "clusters/aks-dev/values.yaml";
    fs.writeFileSync(path.join(ws.repo, mine), "replicas: 3\n");
    const file = path.join(ws.repo, OWNERSHIP_RECORD_PATH);
    const record = JSON.parse(fs.readFileSync(file, "utf8"));
    record.files[mine] = crypto.createHash("sha256").update("replicas: 3\n").digest("hex"); // the right hash: not proof enough
    fs.writeFileSync(file, JSON.stringify(record, null, 2));
    const app = synthVariant(ws, "v1");
    expect(readText(ws.repo, mine)).toBe("replicas: 3\n");
    expect(app.report!.removed).toEqual([]);
    expect(app.report!.warnings).toContain(
      `${mine}: listed in .gitops-generated.json, but without the generated-by marker it is not a file of cdktf-aks-gitops: ` +
        "kept, and no longer listed",
    );
    expect(JSON.parse(readText(ws.repo, OWNERSHIP_RECORD_PATH)).files[mine]).toBeUndefined();
  });
});

describe("row 4: a generated file a person changed", () => {
  const edit = (ws: Workspace, rel: string): string => {
    const text = readText(ws.repo, rel).replace('"min_count": 3', '"min_count": 1');
    fs.writeFileSync(path.join(ws.repo, rel), text);
    return text;
  };

  test("uncommitted edit, then its construct removed: refused naming the file (commit or discard first)", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    edit(ws, S3);
    const problems = problemsOf(refusedUntouched(ws, () => synthVariant(ws, "v2")));
    expect(problems).toEqual([
      `[app] ${S3}: a generated file with uncommitted changes (edited since the synth wrote it); ` +
        "the synth would delete it (no construct produces it any more): " +
        `commit or discard the change first (git commit, or git checkout -- ${S3})`,
    ]);
  });

  test("uncommitted edit of a file the synth rewrites: refused naming the file and its construct", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    edit(ws, S0);
    const problems = problemsOf(refusedUntouched(ws, () => synthVariant(ws, "v2")));
    expect(problems).toEqual([
      expect.stringMatching(
        /^\[s0\] infrastructure\/s0\/main\.tf\.json: a generated file with uncommitted changes .* the synth would overwrite it: commit or discard/,
      ),
    ]);
  });

  test("a committed edit, then its construct removed: removed with a warning naming it (Git keeps the edit)", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    const edited = edit(ws, S3);
    commitAll(ws, "hand edit");
    const app = synthVariant(ws, "v2");
    expect(app.report!.removed).toEqual([S3]);
    expect(app.report!.warnings).toContain(
      `${S3}: a committed hand edit is removed, no construct produces it any more (Git keeps the edit in its history)`,
    );
    expect(git(ws.repo, "show", `HEAD:${S3}`)).toBe(edited);
  });

  test("a committed edit of a file still produced: restored with a warning", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    commitAll(ws);
    const original = readText(ws.repo, S0);
    edit(ws, S0);
    commitAll(ws, "hand edit");
    const app = synthVariant(ws, "v1");
    expect(readText(ws.repo, S0)).toBe(original);
    expect(app.report!.restored).toEqual([S0]);
    expect(app.report!.warnings).toContain(
      `${S0}: a committed hand edit is replaced by the generated file (Git keeps the edit in its history)`,
    );
  });

  test("without Git: an edited file whose construct is gone is kept (never deleted), with a warning; the synth says it has no Git", () => {
    const ws = plainWorkspace();
    synthVariant(ws, "v1");
    const edited = edit(ws, S3);
    const app = synthVariant(ws, "v2");
    expect(readText(ws.repo, S3)).toBe(edited);
    expect(app.report!.removed).toEqual([]);
    expect(app.report!.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^infrastructure\/s3\/main\.tf\.json: edited by hand and no construct produces it any more; kept/),
        expect.stringMatching(/is not in a Git work tree: state safety compares with the working tree/),
      ]),
    );
  });
});

describe("row 5: raw errno errors become messages with the path and what to do", () => {
  test.each([
    [
      "a folder (EISDIR)",
      (abs: string) => fs.mkdirSync(abs),
      /^infrastructure\/s0\/main\.tf\.json is a folder where the library writes a file: move the folder away/,
    ],
    [
      "a symlink loop (ELOOP)",
      (abs: string) => fs.symlinkSync(abs, abs),
      /^infrastructure\/s0\/main\.tf\.json is a symlink; the library reads and writes only real folders and regular files/,
    ],
  ])("a generated file replaced by %s", (_what, replace, message) => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    const abs = path.join(ws.repo, ...S0.split("/"));
    fs.rmSync(abs);
    replace(abs);
    expect(refusedUntouched(ws, () => synthVariant(ws, "v2")).message).toMatch(message);
  });

  test("a generated folder replaced by a file (ENOTDIR)", () => {
    const ws = gitWorkspace();
    synthVariant(ws, "v1");
    fs.rmSync(path.join(ws.repo, "infrastructure", "s0"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, "infrastructure", "s0"), "a file\n");
    expect(refusedUntouched(ws, () => synthVariant(ws, "v2")).message).toMatch(
      /^infrastructure\/s0\/main\.tf\.json: infrastructure\/s0 is a file where the library needs a folder: move the file away, then synth again$/,
    );
  });
});

describe("row 6: preventDestroy: false, then the pool removed: the guard cannot be bypassed in two small steps", () => {
  test("lowering the guard is refused against the committed tree; so is the removal, even after the lowering was synthesized", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws);
    const lower = problemsOf(refusedUntouched(ws, () => synthSpec(ws, { preventDestroy: false })));
    expect(lower).toEqual([
      expect.stringMatching(/has prevent_destroy in the committed tree and would lose it.*acknowledgedChanges: \["unguard:/),
    ]);
    // Acknowledged, but not committed: HEAD still has the guard, so the removal is still refused.
    synthSpec(ws, { preventDestroy: false }, { acknowledgedChanges: [ackOf(lower[0])] });
    const remove = problemsOf(refusedUntouched(ws, () => synthSpec(ws, { pool: false })));
    expect(remove).toEqual([expect.stringMatching(/has prevent_destroy and would be destroyed/)]);
  });
});

describe("row 7: a leftover acknowledgement accepts nothing else", () => {
  test("an entry for a rename left in cdktf.json does not accept a later Linux → Windows replacement of the same pool", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws);
    const [rename] = problemsOf(thrownBy(() => synthSpec(ws, { poolName: "work" })));
    const ack = ackOf(rename);
    synthSpec(ws, { poolName: "work" }, { context: { acknowledgedChanges: [ack] } });
    commitAll(ws, "rename the pool");
    const [windows] = problemsOf(
      refusedUntouched(ws, () =>
        synthSpec(ws, { poolName: "win", osType: NodePoolOsType.WINDOWS }, { context: { acknowledgedChanges: [ack] } }),
      ),
    );
    expect(windows).toMatch(/because name: "work" → "win", os_type: "Linux" → "Windows" force a new resource/);
    expect(ackOf(windows)).not.toBe(ack);
  });

  test("the old form (address only) accepts nothing: refused with the exact form to give", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws);
    const [rename] = problemsOf(thrownBy(() => synthSpec(ws, { poolName: "work" })));
    const exact = ackOf(rename);
    const old = exact.replace(/@[0-9a-f]{16}$/, "");
    const [problem] = problemsOf(refusedUntouched(ws, () => synthSpec(ws, { poolName: "work" }, { acknowledgedChanges: [old] })));
    expect(problem).toContain(
      `The entry ${JSON.stringify(old)} names only the address, so it would also accept a later, different change of it`,
    );
    expect(ackOf(problem)).toBe(exact);
  });

  test("a stale entry is reported", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws);
    const lines: string[] = [];
    const stale = "replace:infrastructure/prod/azurerm_kubernetes_cluster_node_pool.x@0123456789abcdef";
    synthSpec(ws, {}, { acknowledgedChanges: [stale], log: (l) => lines.push(l) });
    expect(lines).toContain(`gitops: acknowledgedChanges that acknowledged nothing in this synth (remove them): ${stale}`);
  });
});

describe("row 8: renaming a Terraform object with destroyResourcesOnDeletion: true", () => {
  test("refused unless acknowledged, saying the Azure resources would be destroyed", () => {
    const ws = gitWorkspace();
    synthSpec(ws, { destroyResourcesOnDeletion: true });
    commitAll(ws);
    const [problem, ...rest] = problemsOf(
      refusedUntouched(ws, () => synthSpec(ws, { destroyResourcesOnDeletion: true, terraformName: "pools" })),
    );
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /Terraform object flux-system\/aks \(cluster aks-prod\) is renamed to flux-system\/pools and has destroyResourcesOnDeletion: Flux prunes flux-system\/aks and its finalizer destroys everything it manages, the Azure resources it manages \(\.\/infrastructure\/prod\) would be destroyed/,
    );
    const done = synthSpec(ws, { destroyResourcesOnDeletion: true, terraformName: "pools" }, { acknowledgedChanges: [ackOf(problem)] });
    expect(done.report!.removed).toContain("clusters/aks-prod/terraform/aks.yaml");
  });
});

describe("row 9: state safety against the committed tree", () => {
  test("rm -rf clusters infrastructure .gitops-generated.json, then a replacing change: refused against HEAD", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws);
    for (const p of ["clusters", "infrastructure", "bootstrap", OWNERSHIP_RECORD_PATH])
      fs.rmSync(path.join(ws.repo, p), { recursive: true, force: true });
    const problems = problemsOf(refusedUntouched(ws, () => synthSpec(ws, { poolName: "win", osType: NodePoolOsType.WINDOWS })));
    expect(problems).toEqual([expect.stringMatching(/would be replaced .*because name: "apps" → "win", os_type: "Linux" → "Windows"/)]);
  });

  test("baseRef: on a PR branch whose HEAD already holds the change, the target branch is compared (prop and context entry)", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws, "main");
    git(ws.repo, "checkout", "-q", "-b", "feature");
    synthSpec(
      ws,
      { poolName: "work" },
      { acknowledgedChanges: [ackOf(problemsOf(thrownBy(() => synthSpec(ws, { poolName: "work" })))[0])] },
    );
    commitAll(ws, "the change, committed on the branch");
    // Against HEAD nothing changes any more; against main the replacement is refused.
    expect(synthSpec(ws, { poolName: "work" }).report!.written).toEqual([]);
    for (const props of [{ baseRef: "main" }, { context: { gitopsBaseRef: "main" } }]) {
      const problems = problemsOf(refusedUntouched(ws, () => synthSpec(ws, { poolName: "work" }, props)));
      expect(problems).toEqual([expect.stringMatching(/would be replaced .*because name: "apps" → "work"/)]);
    }
  });

  test("a GitOps repo in a subfolder of a Git repo (a monorepo): HEAD's tree and git status are read at the right prefix", () => {
    const mono = gitWorkspace();
    const ws: Workspace = { ...mono, repo: path.join(mono.repo, "deploy", "gitops") };
    synthSpec(ws, {});
    commitAll(mono);
    // A hand edit, uncommitted: refused (git status paths are relative to the top of the work tree).
    const rel = "infrastructure/prod/main.tf.json";
    const original = readText(ws.repo, rel);
    fs.writeFileSync(path.join(ws.repo, rel), original.replace('"min_count": 3', '"min_count": 1'));
    expect(problemsOf(refusedUntouched(mono, () => synthSpec(ws, {})))).toEqual([
      expect.stringContaining(`${rel}: a generated file with uncommitted changes`),
    ]);
    fs.writeFileSync(path.join(ws.repo, rel), original);
    // The tree removed from the working tree: HEAD (at deploy/gitops/) still guards it.
    for (const p of ["clusters", "infrastructure", OWNERSHIP_RECORD_PATH])
      fs.rmSync(path.join(ws.repo, p), { recursive: true, force: true });
    expect(problemsOf(refusedUntouched(mono, () => synthSpec(ws, { poolName: "win", osType: NodePoolOsType.WINDOWS })))).toEqual([
      expect.stringMatching(/would be replaced .*because name: "apps" → "win", os_type: "Linux" → "Windows"/),
    ]);
  });

  test("a baseRef that names no commit fails the synth, it never falls back; outside Git too", () => {
    const ws = gitWorkspace();
    synthSpec(ws, {});
    commitAll(ws);
    expect(refusedUntouched(ws, () => synthSpec(ws, {}, { baseRef: "origin/nope" })).message).toMatch(
      /^baseRef "origin\/nope" names no commit in the Git repo of .*: fetch it first \(in CI: git fetch origin origin\/nope\), or fix the name$/,
    );
    const plain = plainWorkspace();
    synthSpec(plain, {});
    expect(refusedUntouched(plain, () => synthSpec(plain, {}, { baseRef: "main" })).message).toMatch(
      /^baseRef "main" is set, but .* is not in a Git work tree: run the synth in a Git checkout, or unset baseRef$/,
    );
  });

  test("a baseRef that could pass for an option is bad input", () => {
    const ws = gitWorkspace();
    const problems = problemsOf(thrownBy(() => synthSpec(ws, {}, { baseRef: "--output=/tmp/x" })));
    expect(problems).toEqual([expect.stringMatching(/^\[app\] baseRef = "--output=\/tmp\/x": allowed is a Git ref/)]);
  });

  test("without Git the working tree is compared, with a warning", () => {
    const ws = plainWorkspace();
    synthSpec(ws, {});
    const lines: string[] = [];
    synthSpec(ws, {}, { log: (l) => lines.push(l) });
    expect(lines).toContainEqual(
      expect.stringMatching(/^gitops: warning: .* is not in a Git work tree: state safety compares with the working tree/),
    );
    expect(problemsOf(thrownBy(() => synthSpec(ws, { poolName: "work" })))).toHaveLength(1);
  });
});
