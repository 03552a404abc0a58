/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time and the most total
 * (inclusive) time, and the time per package/file group. Usage: node bench/.out/bench/profile-summary.js <file> [top] [--callees <function>]
 */
import * as fs from "fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Total time of the direct callees of every function whose name is `fn` (to see where one function's time goes). */
export function callees(file: string, fn: string, top = 25): string {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const totalUs = new Map<number, number>();
  const total = (n: ProfileNode): number => {
    let t = totalUs.get(n.id);
    if (t === undefined) {
      t = (selfUs.get(n.id) ?? 0) + (n.children ?? []).reduce((a, c) => a + total(byId.get(c)!), 0);
      totalUs.set(n.id, t);
    }
    return t;
  };
  const out = new Map<string, number>();
  let own = 0;
  for (const n of p.nodes) {
    if (n.callFrame.functionName !== fn) continue;
    own += selfUs.get(n.id) ?? 0;
    for (const c of n.children ?? []) {
      const child = byId.get(c)!;
      const k = `${child.callFrame.functionName || "(anonymous)"} ${short(child.callFrame.url)}:${child.callFrame.lineNumber + 1}`;
      out.set(k, (out.get(k) ?? 0) + total(child));
    }
  }
  const rows = [...out.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `callees of ${fn} (self ${(own / 1000).toFixed(0)} ms):`,
    ...rows.map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`),
  ].join("\n");
}

export function summarize(file: string, top = 25): string {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = p.endTime - p.startTime;

  const key = (n: ProfileNode): string =>
    `${n.callFrame.functionName || "(anonymous)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const groups = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    groups.set(group(n.callFrame.url, n.callFrame.functionName), (groups.get(group(n.callFrame.url, n.callFrame.functionName)) ?? 0) + us);
    // inclusive: every distinct function on the stack gets the sample once
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const fmt = (m: Map<string, number>, n: number): string =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return [
    `profile ${file}: ${(total / 1000).toFixed(0)} ms`,
    "by group (self time):",
    fmt(groups, 20),
    `top ${top} by self time:`,
    fmt(self, top),
    `top ${top} by total time:`,
    fmt(incl, top),
  ].join("\n");
}

function short(url: string): string {
  const m = /node_modules\/(.*)$/.exec(url);
  if (m) return m[1];
  const l = /\/(lib\/.*|bench\/.*)$/.exec(url);
  return l ? l[1] : url;
}

function group(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const l = /\/(lib\/(?:private\/)?[^/]+)$/.exec(url);
  if (l) return l[1];
  if (url.startsWith("node:")) return "node:*";
  return short(url);
}

if (require.main === module) {
  const [file, top, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error("usage: profile-summary <file.cpuprofile> [top] [--callees <function>]…");
    process.exit(2);
  }
  const fns = rest.filter((_, i) => rest[i - 1] === "--callees");
  if (fns.length) for (const fn of fns) console.log(callees(file, fn, Number(top ?? 25)));
  else console.log(summarize(file, Number(top ?? 25)));
}
