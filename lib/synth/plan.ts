import { hasGeneratedMarker, OWNERSHIP_RECORD_PATH, OwnershipRecord, RecordedNodePool, renderRecord } from "./ownership";
import { GENERATOR, RenderedFile, sha256 } from "./render";
import { checkOwnedPath } from "./repo-paths";
import { RepoView } from "./repo-view";

export interface FileWrite {
  readonly path: string;
  readonly bytes: Buffer;
  /** True when a file of ours was there with other bytes (edited by hand, or the construct changed). */
  readonly replaces: boolean;
  /** sha256 of bytes (the rendered file has it already; the journal records it). */
  readonly sha256?: string;
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
export function planWrites(
  files: readonly RenderedFile[],
  repo: RepoView,
  nodePools: Readonly<Record<string, RecordedNodePool>> = {},
): { plan?: WritePlan; problems: string[] } {
  const problems: string[] = [];
  const owned = repo.record?.files ?? {};
  const decided: FileDecisions = { writes: [], unchanged: [], keptForeign: [], warnings: [], newFiles: {}, editedWrites: new Map() };
  const byPath = uniqueByPath(files, problems);
  for (const f of [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) planFile(f, repo, owned, decided, problems);

  const { writes, unchanged, keptForeign, warnings, newFiles, editedWrites } = decided;
  const { removals, editedRemovals } = planRemovals(owned, byPath, repo, warnings);
  const edited = decideHandEdits(repo, [...editedWrites.keys()], editedRemovals, (p) => editedWrites.get(p)?.file.handEditAdvice);
  for (const p of edited.refused) {
    const source = editedWrites.get(p)?.source ?? "app";
    const would = editedWrites.has(p) ? "overwrite it" : "delete it (no construct produces it any more)";
    const advice = editedWrites.get(p)?.file.handEditAdvice;
    problems.push(
      `[${source}] ${p}: a generated file with uncommitted changes (edited since the synth wrote it); the synth would ${would}: ` +
        `commit or discard the change first (git commit, or git checkout -- ${p})` +
        (advice ? `; to keep such entries, ${advice}` : ""),
    );
  }
  removals.push(...edited.removed);
  removals.sort();
  warnings.push(...edited.warnings, ...(repo.notes ?? []));

  if (problems.length) return { problems };
  const record: OwnershipRecord = { generator: GENERATOR, files: newFiles, nodePools };
  const recordBytes = Buffer.from(renderRecord(record), "utf8");
  const currentRecord = repo.read(OWNERSHIP_RECORD_PATH);
  return {
    problems,
    plan: {
      writes,
      unchanged,
      removals,
      restoredAfterHandEdit: [...editedWrites.keys()],
      keptForeign,
      warnings,
      record,
      recordBytes,
      recordChanged: currentRecord === undefined || !currentRecord.equals(recordBytes),
    },
  };
}

/** What planFile decided so far, file by file. */
interface FileDecisions {
  readonly writes: FileWrite[];
  readonly unchanged: string[];
  readonly keptForeign: string[];
  readonly warnings: string[];
  /** The record to be: path → sha256 of every file the library owns after this synth. */
  readonly newFiles: Record<string, string>;
  /** Files the record lists with another hash (edited by hand since): overwritten only under the hand-edit rule. */
  readonly editedWrites: Map<string, RenderedFile>;
}

/** Write, keep unchanged, keep a foreign file, or refuse: one generated file against what is at its path. */
function planFile(f: RenderedFile, repo: RepoView, owned: Readonly<Record<string, string>>, d: FileDecisions, problems: string[]): void {
  if (checkOwnedPath(f.path)) {
    problems.push(`[${f.source}] output path = ${JSON.stringify(f.path)}: allowed is a path under ${ROOTS_ALLOWED}`);
    return;
  }
  const current = repo.read(f.path);
  if (f.file.ifForeign?.placeholder) {
    // Never in the record: written once when missing, then the file belongs to whoever fills it.
    if (current === undefined) d.writes.push({ path: f.path, bytes: f.bytes, replaces: false, sha256: f.sha256 });
    return;
  }
  // Listed: overwritten only under the hand-edit rule (an uncommitted change is never overwritten). Deleting needs more
  // (planRemovals): anyone can edit the record, so a listed file must also carry the generated marker.
  const ours = current !== undefined && owned[f.path] !== undefined;
  const foreign = current !== undefined && !current.equals(f.bytes) && !ours;
  if (!foreign) d.newFiles[f.path] = f.sha256;
  if (current === undefined) {
    d.writes.push({ path: f.path, bytes: f.bytes, replaces: false, sha256: f.sha256 });
  } else if (current.equals(f.bytes)) {
    d.unchanged.push(f.path);
  } else if (ours) {
    if (sha256(current) !== owned[f.path]) d.editedWrites.set(f.path, f);
    d.writes.push({ path: f.path, bytes: f.bytes, replaces: true, sha256: f.sha256 });
  } else if (f.file.ifForeign) {
    d.keptForeign.push(f.path);
    if (!satisfies(f.file.ifForeign.satisfiedBy, current)) {
      d.warnings.push(
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

/** The files by path; a path written twice, or the record's path, is a problem. */
function uniqueByPath(files: readonly RenderedFile[], problems: string[]): Map<string, RenderedFile> {
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
  return byPath;
}

/**
 * Listed files no construct produces any more: removed if they are still exactly what the library wrote; edited
 * ones are decided by the hand-edit rule; a listed file without the generated marker is not ours and stays.
 */
function planRemovals(
  owned: Readonly<Record<string, string>>,
  byPath: ReadonlyMap<string, RenderedFile>,
  repo: RepoView,
  warnings: string[],
): { removals: string[]; editedRemovals: string[] } {
  const removals: string[] = [];
  const editedRemovals: string[] = [];
  for (const p of Object.keys(owned).sort()) {
    if (byPath.has(p) || p === OWNERSHIP_RECORD_PATH) continue;
    const current = repo.read(p);
    if (current === undefined) continue;
    if (!hasGeneratedMarker(current)) {
      warnings.push(
        `${p}: listed in ${OWNERSHIP_RECORD_PATH}, but without the generated-by marker it is not a file of ${GENERATOR}: kept, and no longer listed`,
      );
    } else if (sha256(current) === owned[p]) removals.push(p);
    else editedRemovals.push(p);
  }
  return { removals, editedRemovals };
}

const ROOTS_ALLOWED = "infrastructure/, bootstrap/ or clusters/ (the folders the library writes)";

/**
 * One rule for generated files a person changed (their bytes differ from the record): an uncommitted change is
 * never overwritten or deleted (refused); a committed one is restored, or removed when its construct is gone, with a
 * warning (Git keeps the edit). Without Git nobody can tell: an edited file is restored as before, but never deleted.
 */
function decideHandEdits(
  repo: RepoView,
  writes: readonly string[],
  removals: readonly string[],
  adviceFor: (path: string) => string | undefined,
): { refused: string[]; removed: string[]; warnings: string[] } {
  const instead = (p: string): string => {
    const advice = adviceFor(p);
    return advice ? `; instead of editing it, ${advice}` : "";
  };
  const all = [...writes, ...removals];
  if (all.length === 0) return { refused: [], removed: [], warnings: [] };
  const dirty = repo.uncommitted?.(all);
  if (dirty === undefined) {
    return {
      refused: [],
      removed: [],
      warnings: [
        ...writes.map(
          (p) =>
            `${p}: edited by hand since the synth wrote it; restored (without Git the synth cannot tell whether the edit was kept anywhere)` +
            instead(p),
        ),
        ...removals.map(
          (p) =>
            `${p}: edited by hand and no construct produces it any more; kept, and no longer listed ` +
            `(without Git it cannot be restored): delete it if it is not needed`,
        ),
      ],
    };
  }
  const refused = all.filter((p) => dirty.has(p));
  const warnings = [
    ...writes
      .filter((p) => !dirty.has(p))
      .map((p) => `${p}: a committed hand edit is replaced by the generated file (Git keeps the edit in its history)${instead(p)}`),
    ...removals
      .filter((p) => !dirty.has(p))
      .map((p) => `${p}: a committed hand edit is removed, no construct produces it any more (Git keeps the edit in its history)`),
  ];
  return { refused, removed: removals.filter((p) => !dirty.has(p)), warnings };
}

/** A predicate that throws (say, on a file that is not valid YAML) counts as not satisfied. */
function satisfies(predicate: ((current: Buffer) => boolean) | undefined, current: Buffer): boolean {
  try {
    return predicate?.(current) === true;
  } catch {
    return false;
  }
}
