/**
 * The path resolver and the repo view of the write path: the same refusals as a per-file check, but each folder is
 * looked at once and a path that is not there costs no failed read (a first synth of a fleet writes ~9 files per
 * cluster into new folders).
 */
import * as fs from "fs";
import * as path from "path";
import { checkOwnedPath, RepoTree } from "../lib/synth/repo-paths";
import { diskRepoView } from "../lib/synth/write";
import { cleanupTempDirs, re, tempDir } from "./helpers";

// The module object the library calls through (the namespace import's properties cannot be spied on).
const nodeFs = require("fs") as typeof fs;

afterAll(cleanupTempDirs);

function repoWith(files: Record<string, string>): string {
  const root = tempDir("repo-paths-");
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe("RepoTree", () => {
  test("resolves under the real root and tells whether the file exists", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const paths = new RepoTree(root);
    expect(paths.resolve("clusters/a/x.yaml")).toEqual({ abs: path.join(fs.realpathSync(root), "clusters", "a", "x.yaml"), exists: true });
    expect(paths.resolve("clusters/a/y.yaml").exists).toBe(false);
    expect(paths.resolve("clusters/b/c/z.yaml").exists).toBe(false);
  });

  test("lists the missing folders of a path parents first, and none for an existing folder", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const paths = new RepoTree(root);
    expect(paths.missingFolders("clusters/b/flux-system/x.yaml")).toEqual(["clusters/b", "clusters/b/flux-system"]);
    expect(paths.missingFolders("clusters/a/x.yaml")).toEqual([]);
    expect(paths.missingFolders("top.json")).toEqual([]);
  });

  test("refuses unsafe relative paths with the reason", () => {
    const paths = new RepoTree(repoWith({}));
    expect(() => paths.resolve("../x.yaml")).toThrow(/output path "\.\.\/x\.yaml" is a path with an empty, "\." or "\.\." segment/);
    expect(() => paths.resolve("/etc/passwd")).toThrow(/is an absolute path/);
  });

  test("refuses a folder that is a symlink (to outside, or inside the repo), also for a path in a missing folder below it", () => {
    const root = repoWith({ "real/x.yaml": "x" });
    const outside = tempDir("repo-paths-outside-");
    fs.symlinkSync(outside, path.join(root, "clusters"), "dir");
    fs.symlinkSync(path.join(root, "real"), path.join(root, "infrastructure"), "dir");
    const paths = new RepoTree(root);
    const refusal = (rel: string, link: string): RegExp =>
      new RegExp(`^${re(rel)}: ${re(link)} is a symlink; the library reads and writes only real folders`);
    expect(() => paths.resolve("clusters/x.yaml")).toThrow(refusal("clusters/x.yaml", "clusters"));
    expect(() => paths.resolve("clusters/a/b/x.yaml")).toThrow(refusal("clusters/a/b/x.yaml", "clusters"));
    expect(() => paths.resolve("infrastructure/x.yaml")).toThrow(refusal("infrastructure/x.yaml", "infrastructure"));
  });

  test("refuses a file that is a symlink (to outside, inside, or dangling), a folder where a file goes, a file where a folder goes", () => {
    const root = repoWith({ "clusters/a/inside.yaml": "x", "clusters/b": "a file" });
    const outside = repoWith({ "secret.yaml": "s" });
    fs.symlinkSync(path.join(outside, "secret.yaml"), path.join(root, "clusters", "a", "out.yaml"));
    fs.symlinkSync(path.join(root, "clusters", "a", "inside.yaml"), path.join(root, "clusters", "a", "in.yaml"));
    fs.symlinkSync(path.join(root, "nowhere.yaml"), path.join(root, "clusters", "a", "dangling.yaml"));
    fs.symlinkSync(path.join(root, "clusters", "a", "loop.yaml"), path.join(root, "clusters", "a", "loop.yaml"));
    fs.mkdirSync(path.join(root, "clusters", "a", "dir.yaml"));
    const paths = new RepoTree(root);
    for (const f of ["out", "in", "dangling", "loop"]) {
      expect(() => paths.resolve(`clusters/a/${f}.yaml`)).toThrow(
        new RegExp(`^clusters/a/${f}\\.yaml is a symlink; the library reads and writes only`),
      );
    }
    expect(() => paths.resolve("clusters/a/dir.yaml")).toThrow(
      /^clusters\/a\/dir\.yaml is a folder where the library writes a file: move the folder away/,
    );
    expect(() => paths.resolve("clusters/b/x.yaml")).toThrow(
      /^clusters\/b\/x\.yaml: clusters\/b is a file where the library needs a folder: move the file away/,
    );
  });

  test("lists each folder once, however many files it resolves there, and never stats a file", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const readdir = jest.spyOn(nodeFs, "readdirSync");
    const lstat = jest.spyOn(nodeFs, "lstatSync");
    const realpath = jest.spyOn(nodeFs, "realpathSync");
    try {
      const paths = new RepoTree(root);
      for (let i = 0; i < 50; i++) paths.resolve(`clusters/a/f${i}.yaml`);
      for (let i = 0; i < 50; i++) paths.resolve(`clusters/new/f${i}.yaml`);
      // the root, clusters, clusters/a (clusters/new does not exist: nothing to list)
      expect(readdir).toHaveBeenCalledTimes(3);
      expect(realpath).toHaveBeenCalledTimes(1); // the root
      expect(lstat).not.toHaveBeenCalled();
    } finally {
      readdir.mockRestore();
      lstat.mockRestore();
      realpath.mockRestore();
    }
  });
});

describe("checkOwnedPath: what a record or journal may name", () => {
  test.each([
    ["infrastructure/prod/main.tf.json", undefined],
    ["clusters/aks/terraform/x.yaml", undefined],
    ["bootstrap/aks/main.tf.json", undefined],
    [".gitops-generated.json", undefined],
    ["README.md", "outside the folders the library writes"],
    [".git/HEAD", "a path in a .git folder"],
    ["clusters/.git/config", "a path in a .git folder"],
    ["clusters/.GIT/config", "a path in a .git folder"],
    ["clusters", "outside the folders the library writes"],
    ["docs/x.yaml", "outside the folders the library writes"],
    ["clusters/../README.md", "segment"],
    ["/etc/passwd", "an absolute path"],
  ])("%j", (rel, reason) => {
    if (reason === undefined) expect(checkOwnedPath(rel)).toBeUndefined();
    else expect(checkOwnedPath(rel)).toContain(reason);
  });

  test("a folder may be an output root itself, never the record", () => {
    expect(checkOwnedPath("clusters", { folder: true })).toBeUndefined();
    expect(checkOwnedPath(".gitops-generated.json", { folder: true })).toContain("outside");
  });
});

describe("diskRepoView", () => {
  test("reads what is there, undefined for a missing file or folder, and refuses a path through a file", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x", "top.txt": "t" });
    const repo = diskRepoView(root, { git: false });
    expect(repo.read("clusters/a/x.yaml")?.toString()).toBe("x");
    expect(repo.read("top.txt")?.toString()).toBe("t");
    expect(repo.read("clusters/a/y.yaml")).toBeUndefined();
    expect(repo.read("clusters/b/c/y.yaml")).toBeUndefined();
    expect(() => repo.read("top.txt/y.yaml")).toThrow(/top\.txt is a file where the library needs a folder/);
  });

  test("an unreadable folder is a message with the path and what to do, not a raw EACCES", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const realReaddir = nodeFs.readdirSync;
    // As the kernel answers a folder without read permission (chmod would not stop root, who runs this in CI).
    const readdir = jest.spyOn(nodeFs, "readdirSync").mockImplementation(((dir: fs.PathLike, options?: unknown) => {
      if (String(dir).endsWith(path.join("clusters", "a"))) {
        throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(dir)}'`), { code: "EACCES", path: String(dir) });
      }
      return realReaddir(dir, options as fs.ObjectEncodingOptions & { withFileTypes: true });
    }) as typeof fs.readdirSync);
    try {
      expect(() => diskRepoView(root, { git: false }).read("clusters/a/x.yaml")).toThrow(
        /^listing clusters\/a failed at clusters\/a \(EACCES\): permission denied: give the user running the synth read and write access to the GitOps repo, then synth again$/,
      );
    } finally {
      readdir.mockRestore();
    }
  });

  test("lists a folder once, never lists a missing one, and reads a file once", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const readdir = jest.spyOn(nodeFs, "readdirSync");
    const readFile = jest.spyOn(nodeFs, "readFileSync");
    try {
      const repo = diskRepoView(root, { git: false });
      readFile.mockClear();
      for (let i = 0; i < 20; i++) repo.read(`clusters/a/f${i}.yaml`);
      for (let i = 0; i < 20; i++) repo.read(`clusters/new/deeper/f${i}.yaml`);
      repo.read("clusters/a/x.yaml");
      repo.read("clusters/a/x.yaml");
      expect(readdir.mock.calls.map((c) => path.relative(root, String(c[0])))).toEqual(["", "clusters", path.join("clusters", "a")]);
      expect(readFile).toHaveBeenCalledTimes(1);
    } finally {
      readdir.mockRestore();
      readFile.mockRestore();
    }
  });
});
