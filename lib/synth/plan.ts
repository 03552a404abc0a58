import { OWNERSHIP_RECORD_PATH, OwnershipRecord, renderRecord } from "./ownership";
import { GENERATOR, RenderedFile, sha256 } from "./render";
import { RepoView } from "./repo-view";

export interface FileWrite {
  readonly path: string;
  readonly bytes: Buffer;
  /** True when a file of ours was there with other bytes (edited by hand, or the construct changed). */
  readonly replaces: boolean;
}

/** The changes one synth makes; applying it is the only place that touches the repo. */
export interface WritePlan {
  readonly writes: readonly FileWrite[];
  readonly unchanged: readonly string[];
  readonly removals: readonly string[];
  /** Files that will be restored because their bytes differ from what the library last wrote. */
  readonly restoredAfterHandEdit: readonly string[];
  /** Paths where a foreign file was kept in place (GitOpsFile.ifForeign): not written, not owned. */
  readonly keptForeign: readonly string[];
  /** What the synth must tell the user (a kept foreign file that lacks what the library needs). */
  readonly warnings: readonly string[];
  readonly record: OwnershipRecord;
  readonly recordBytes: Buffer;
  readonly recordChanged: boolean;
}

/**
 * Decides write / unchanged / remove for every file. Refuses (returns problems) to overwrite a file the library
 * did not generate, unless its bytes are already exactly what it would write (then it adopts it), or the file says
 * a foreign file is to be kept (`ifForeign`): then it is left alone, not owned, and a warning says what to add.
 */
export function planWrites(files: readonly RenderedFile[], repo: RepoView): { plan?: WritePlan; problems: string[] } {
  const problems: string[] = [];
  const owned = repo.record?.files ?? {};
  const writes: FileWrite[] = [];
  const unchanged: string[] = [];
  const restored: string[] = [];
  const keptForeign: string[] = [];
  const warnings: string[] = [];
  const newFiles: Record<string, string> = {};

  const byPath = new Map<string, RenderedFile>();
  for (const f of files) {
    const other = byPath.get(f.path);
    if (other) {
      problems.push(
        `[${f.source}] output path = ${JSON.stringify(f.path)}: allowed is a path no other construct writes (also written by ${other.source})`,
      );
      continue;
    }
    if (f.path === OWNERSHIP_RECORD_PATH) {
      problems.push(`[${f.source}] output path = ${JSON.stringify(f.path)}: allowed is any path but the ownership record`);
      continue;
    }
    byPath.set(f.path, f);
  }

  for (const f of [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const current = repo.read(f.path);
    const foreign = current !== undefined && !current.equals(f.bytes) && owned[f.path] === undefined;
    if (!foreign) newFiles[f.path] = f.sha256;
    if (current === undefined) {
      writes.push({ path: f.path, bytes: f.bytes, replaces: false });
    } else if (current.equals(f.bytes)) {
      unchanged.push(f.path);
    } else if (owned[f.path] !== undefined) {
      if (sha256(current) !== owned[f.path]) restored.push(f.path);
      writes.push({ path: f.path, bytes: f.bytes, replaces: true });
    } else if (f.file.ifForeign) {
      keptForeign.push(f.path);
      if (!satisfies(f.file.ifForeign.satisfiedBy, current)) {
        warnings.push(
          `[${f.source}] ${f.path}: a file that ${GENERATOR} did not generate is there; it is kept as it is, and ${f.file.ifForeign.warning}`,
        );
      }
    } else {
      problems.push(
        `[${f.source}] output path = ${JSON.stringify(f.path)}: a file that ${GENERATOR} did not generate is there; ` +
          `it is never overwritten: move it away, or choose another name`,
      );
    }
  }

  const removals = Object.keys(owned)
    .filter((p) => !byPath.has(p) && repo.read(p) !== undefined)
    .sort();

  if (problems.length) return { problems };
  const record: OwnershipRecord = { generator: GENERATOR, files: newFiles };
  const recordBytes = Buffer.from(renderRecord(record), "utf8");
  const currentRecord = repo.read(OWNERSHIP_RECORD_PATH);
  return {
    problems,
    plan: {
      writes,
      unchanged,
      removals,
      restoredAfterHandEdit: restored,
      keptForeign,
      warnings,
      record,
      recordBytes,
      recordChanged: currentRecord === undefined || !currentRecord.equals(recordBytes),
    },
  };
}

/** A predicate that throws (say, on a file that is not valid YAML) counts as not satisfied. */
function satisfies(predicate: ((current: Buffer) => boolean) | undefined, current: Buffer): boolean {
  try {
    return predicate?.(current) === true;
  } catch {
    return false;
  }
}
