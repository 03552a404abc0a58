/**
 * The path resolver and the repo view of the write path: the same refusals as a per-file check, but each folder is
 * looked at once and a path that is not there costs no failed read (a first synth of a fleet writes ~9 files per
 * cluster into new folders).
 */
import * as fs from "fs";
import * as path from "path";
import { RepoPathResolver } from "../lib/synth/repo-paths";
import { diskRepoView } from "../lib/synth/write";
import { cleanupTempDirs, tempDir } from "./helpers";

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

describe("RepoPathResolver", () => {
  test("resolves under the real root and tells whether the file exists", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const paths = new RepoPathResolver(root);
    expect(paths.resolve("clusters/a/x.yaml")).toEqual({ abs: path.join(fs.realpathSync(root), "clusters", "a", "x.yaml"), exists: true });
    expect(paths.resolve("clusters/a/y.yaml").exists).toBe(false);
    expect(paths.resolve("clusters/b/c/z.yaml").exists).toBe(false);
  });

  test("lists the missing folders of a path parents first, and none for an existing folder", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const paths = new RepoPathResolver(root);
    const real = paths.realRoot;
    expect(paths.missingFolders(path.join(real, "clusters", "b", "flux-system"))).toEqual([
      path.join(real, "clusters", "b"),
      path.join(real, "clusters", "b", "flux-system"),
    ]);
    expect(paths.missingFolders(path.join(real, "clusters", "a"))).toEqual([]);
    expect(paths.missingFolders(real)).toEqual([]);
  });

  test("refuses unsafe relative paths with the reason", () => {
    const paths = new RepoPathResolver(repoWith({}));
    expect(() => paths.resolve("../x.yaml")).toThrow(/output path "\.\.\/x\.yaml" is a path with an empty, "\." or "\.\." segment/);
    expect(() => paths.resolve("/etc/passwd")).toThrow(/is an absolute path/);
  });

  test("refuses a folder that leaves the repo through a symlink, also for a path in a missing folder below it", () => {
    const root = repoWith({});
    const outside = tempDir("repo-paths-outside-");
    fs.symlinkSync(outside, path.join(root, "clusters"), "dir");
    const paths = new RepoPathResolver(root);
    expect(() => paths.resolve("clusters/x.yaml")).toThrow(
      /output path "clusters\/x\.yaml" leaves the GitOps repo through a symlink \(clusters → outside\)/,
    );
    expect(() => paths.resolve("clusters/a/b/x.yaml")).toThrow(/leaves the GitOps repo through a symlink \(clusters → outside\)/);
  });

  test("a symlink inside the repo to a folder inside the repo is followed", () => {
    const root = repoWith({ "real/x.yaml": "x" });
    fs.symlinkSync(path.join(root, "real"), path.join(root, "linked"), "dir");
    expect(new RepoPathResolver(root).resolve("linked/x.yaml").exists).toBe(true);
  });

  test("refuses a file that is a symlink: to outside, inside, or dangling", () => {
    const root = repoWith({ "clusters/a/inside.yaml": "x" });
    const outside = repoWith({ "secret.yaml": "s" });
    fs.symlinkSync(path.join(outside, "secret.yaml"), path.join(root, "clusters", "a", "out.yaml"));
    fs.symlinkSync(path.join(root, "clusters", "a", "inside.yaml"), path.join(root, "clusters", "a", "in.yaml"));
    fs.symlinkSync(path.join(root, "nowhere.yaml"), path.join(root, "clusters", "a", "dangling.yaml"));
    const paths = new RepoPathResolver(root);
    expect(() => paths.resolve("clusters/a/out.yaml")).toThrow(/"clusters\/a\/out\.yaml" leaves the GitOps repo through a symlink/);
    expect(() => paths.resolve("clusters/a/in.yaml")).toThrow(
      /"clusters\/a\/in\.yaml" is a symlink; the library writes only regular files/,
    );
    expect(() => paths.resolve("clusters/a/dangling.yaml")).toThrow(/"clusters\/a\/dangling\.yaml" is a symlink/);
  });

  test("looks at each folder once, however many files it resolves there", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const realpath = jest.spyOn(nodeFs, "realpathSync");
    try {
      const paths = new RepoPathResolver(root);
      for (let i = 0; i < 50; i++) paths.resolve(`clusters/a/f${i}.yaml`);
      for (let i = 0; i < 50; i++) paths.resolve(`clusters/new/f${i}.yaml`);
      // the root, clusters, clusters/a (clusters/new does not exist: nothing to resolve)
      expect(realpath).toHaveBeenCalledTimes(3);
    } finally {
      realpath.mockRestore();
    }
  });
});

describe("diskRepoView", () => {
  test("reads what is there, and undefined for a missing file, a missing folder or a path through a file", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x", "top.txt": "t" });
    const repo = diskRepoView(root);
    expect(repo.read("clusters/a/x.yaml")?.toString()).toBe("x");
    expect(repo.read("top.txt")?.toString()).toBe("t");
    expect(repo.read("clusters/a/y.yaml")).toBeUndefined();
    expect(repo.read("clusters/b/c/y.yaml")).toBeUndefined();
    expect(repo.read("top.txt/y.yaml")).toBeUndefined();
    expect(repo.read("../escape")).toBeUndefined();
  });

  test("lists a folder once, never lists a missing one, and reads a file once", () => {
    const root = repoWith({ "clusters/a/x.yaml": "x" });
    const readdir = jest.spyOn(nodeFs, "readdirSync");
    const readFile = jest.spyOn(nodeFs, "readFileSync");
    try {
      const repo = diskRepoView(root);
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
