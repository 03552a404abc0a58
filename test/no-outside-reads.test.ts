/**
 * A clone anywhere, with nothing beside it, must pass `npm test`: no test may read the upstream CRDs or notes kept beside
 * the checkout (a user's clone has none). What needs them runs in CI only (`npm run check:upstream`, scripts/check-upstream.ts).
 * This scans every file under test/ for the ways a test has named that folder.
 */
import * as fs from "fs";
import * as path from "path";
import { listFiles } from "./helpers";

const TEST_DIR = __dirname;
const SELF = path.basename(__filename);
const SIBLING = "shared";
/** The sibling folder as a relative path, its crds/ subfolder, and both again as path segments (`"..", SIBLING`). */
const OUTSIDE_READ = new RegExp(
  [
    `\\.\\.[/\\\\]${SIBLING}\\b`,
    `\\b${SIBLING}[/\\\\]crds\\b`,
    `["'\`]\\.\\.["'\`]\\s*,\\s*["'\`]${SIBLING}["'\`]`,
    `["'\`]${SIBLING}["'\`]\\s*,\\s*["'\`]crds["'\`]`,
  ].join("|"),
);

test("the pattern finds every way the former tests named the folder beside the checkout", () => {
  const dots = "..";
  for (const line of [
    `const CRD_DIR = path.resolve(__dirname, "${dots}", "${dots}", "${SIBLING}", "crds");`,
    `const CRD_DIR = path.resolve(PROJECT, '${dots}', '${SIBLING}', 'crds');`,
    `fs.readFileSync("${dots}/${SIBLING}/crds/notification.toolkit.fluxcd.io_alerts.yaml")`,
    `path.join(root, "${SIBLING}", "crds")`,
    `see ${SIBLING}/crds/SOURCES.md`,
  ])
    expect({ line, found: OUTSIDE_READ.test(line) }).toEqual({ line, found: true });
  for (const line of [
    'test("a shared stack: one folder per cluster")',
    "(shared/reference/flux.md §5)",
    'install: { crds: "Create" }',
    'path.join(PROJECT, "test", "fixtures", "derived-crds")',
  ])
    expect({ line, found: OUTSIDE_READ.test(line) }).toEqual({ line, found: false });
});

test("no file under test/ names the upstream CRDs beside the checkout", () => {
  const files = listFiles(TEST_DIR).filter((rel) => rel !== SELF);
  expect(files.length).toBeGreaterThan(30);
  const offending = files.flatMap((rel) =>
    fs
      .readFileSync(path.join(TEST_DIR, ...rel.split("/")), "utf8")
      .split("\n")
      .flatMap((line, i) => (OUTSIDE_READ.test(line) ? [`test/${rel}:${i + 1}: ${line.trim()}`] : [])),
  );
  expect(offending).toEqual([]);
});
