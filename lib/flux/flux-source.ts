import type { InfrastructureStack } from "../azure/infrastructure-stack";
import { GIT_REF_RULES, isGitRefName } from "../core/git-ref-name";
import { PropChecks } from "../core/validation";
import { GitRepositoryRef } from "../kubernetes/git-repository";

const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const SEMVER_RANGE = /^[\sv0-9.xX*<>=~^|,-]+$/;

/** Which commit of a Git repository a GitRepository source follows. */
export class GitRef {
  /** The head of a branch: every commit to it is a new revision. */
  static branch(name: string): GitRef {
    return new GitRef("branch", name);
  }
  /** One tag. */
  static tag(name: string): GitRef {
    return new GitRef("tag", name);
  }
  /** The highest tag matching a semver range, e.g. `>=1.0.0` or `1.x`: promotion by tagging a release. */
  static semver(range: string): GitRef {
    return new GitRef("semver", range);
  }
  /** One commit (40 or 64 hex characters): nothing moves until the code says so. */
  static commit(sha: string): GitRef {
    return new GitRef("commit", sha);
  }

  private constructor(
    /** `branch`, `tag`, `semver` or `commit`. */
    readonly type: "branch" | "tag" | "semver" | "commit",
    readonly value: string,
  ) {}

  /** True if every commit to this branch is a new revision of the source. */
  isBranch(name?: string): boolean {
    return this.type === "branch" && (name === undefined || this.value === name);
  }

  /** `branch main`, `semver >=1.0.0`. */
  toString(): string {
    return `${this.type} ${this.value}`;
  }

  /** @internal */
  _toSpec(): GitRepositoryRef {
    return { [this.type]: this.value };
  }

  /** @internal */
  _validate(c: PropChecks, prop: string): void {
    if (!(this instanceof GitRef)) return;
    if (!c.literal(prop, this.value)) return;
    switch (this.type) {
      case "branch":
      case "tag":
        c.check(isGitRefName(this.value), prop, this.value, `a Git ${this.type} name (${GIT_REF_RULES})`);
        break;
      case "semver":
        c.check(
          typeof this.value === "string" && this.value.trim() !== "" && SEMVER_RANGE.test(this.value),
          prop,
          this.value,
          "a semver range such as >=1.0.0 or 1.x",
        );
        break;
      case "commit":
        c.check(
          typeof this.value === "string" && SHA.test(this.value),
          prop,
          this.value,
          "a full commit SHA (40 or 64 lower-case hex characters)",
        );
        break;
    }
  }
}

/**
 * Host and path of a Git URL without scheme, user, `.git` and trailing slash, lower-cased (GitHub and Azure DevOps
 * paths are case-insensitive; erring towards "same repo" is the safe side for the approval-loop guard): two spellings
 * of one repo compare equal.
 */
export function normalizeGitUrl(url: string): string {
  const scp = /^[^@/\s]+@([^:/\s]+):(.+)$/.exec(url); // git@github.com:org/repo.git
  let host: string;
  let path: string;
  if (scp) {
    host = scp[1];
    path = scp[2];
  } else {
    try {
      const u = new URL(url);
      host = u.host;
      path = u.pathname;
    } catch {
      return url;
    }
  }
  return `${host}/${path
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")}`.toLowerCase();
}

/** The repo path of a stack as a Terraform object's `spec.path` in an artifact holding the whole repo. */
export function repoRootPath(stack: InfrastructureStack): string {
  return `./${stack.repoPath}`;
}
