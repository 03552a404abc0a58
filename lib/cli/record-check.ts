import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { OWNERSHIP_RECORD_PATH, parseRecord } from "../synth/ownership";

/**
 * The ownership record against the files: every listed file exists and has the bytes the synth wrote. A file with
 * other bytes was edited by hand (the next synth restores it, or refuses while the edit is uncommitted).
 */
export function recordProblems(root: string): string[] {
  const recordFile = path.join(root, OWNERSHIP_RECORD_PATH);
  if (!fs.existsSync(recordFile)) return [`${OWNERSHIP_RECORD_PATH}: missing (synthesize the app, then commit the tree)`];
  let files: Readonly<Record<string, string>>;
  try {
    files = parseRecord(fs.readFileSync(recordFile, "utf8")).files;
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  for (const [file, sha256] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const full = path.join(root, file);
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!stat) {
      problems.push(`${file}: missing, but listed in ${OWNERSHIP_RECORD_PATH} (synthesize again and commit, or restore it from Git)`);
    } else if (!stat.isFile()) {
      problems.push(`${file}: not a plain file, but listed in ${OWNERSHIP_RECORD_PATH}`);
    } else if (createHash("sha256").update(fs.readFileSync(full)).digest("hex") !== sha256) {
      problems.push(
        `${file}: edited by hand (its sha256 differs from ${OWNERSHIP_RECORD_PATH}); the next synth restores it: change the app instead`,
      );
    }
  }
  return problems;
}
