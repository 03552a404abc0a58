import * as fs from "fs";
import * as path from "path";
import { App, Manifest } from "../core/framework";

/** What identifies one write of cdktf's manifest.json; undefined if there is none. */
type ManifestStamp = string | undefined;

function manifestStamp(app: App): ManifestStamp {
  const s = fs.statSync(path.join(path.resolve(app.outdir), Manifest.fileName), { throwIfNoEntry: false, bigint: true });
  return s ? `${s.ino}:${s.mtimeNs}:${s.size}` : undefined;
}

/**
 * Removes what cdktf wrote into its outdir: each stack's folder (`stacks/<name>/`, with its `cdk.tf.json`) and
 * `manifest.json`. cdktf writes them inside its own synth, before the library's checks run; a synth the checks refuse
 * (a secret, a value no reader gets back) must not leave the refused content there either. Only paths inside the
 * outdir are removed; the outdir itself stays.
 */
export function discardCdktfOutput(app: App): void {
  const outdir = path.resolve(app.outdir);
  for (const stack of Object.values(app.manifest.stacks)) {
    const dir = path.resolve(outdir, stack.workingDirectory);
    if (dir.startsWith(outdir + path.sep)) fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(path.join(outdir, Manifest.fileName), { force: true });
}

/**
 * Runs a synth; if it is refused (throws) after cdktf wrote its output, that output is discarded first. Refused
 * before cdktf's synth ran (the manifest is the one from before), an earlier synth's output is left alone.
 */
export function discardCdktfOutputOnRefusal<T>(app: App, synth: () => T): T {
  const before = manifestStamp(app);
  try {
    return synth();
  } catch (e) {
    const after = manifestStamp(app);
    if (after !== undefined && after !== before) discardCdktfOutput(app);
    throw e;
  }
}
