// Runs the tests with node's built-in runner, except test/cluster (the real-component suite:
// `npm run test:cluster`, scripts/run-cluster-tests.mjs).
//   node scripts/run-tests.mjs [filter...]           every compiled dist/test/**/*.test.js (npm test, after the build)
//   node scripts/run-tests.mjs --source [filter...]  test/**/*.test.ts straight from TypeScript through tsx, no build
// A filter is a substring of the file's path (a directory such as test/e2e, or part of a name); files matching any
// filter run. In --source mode NODE_OPTIONS carries `--import tsx` so that child processes the tests spawn
// (src/cli/main.js) run from source too.
// Node 20 has no glob support in `node --test`, and its directory mode would also run support modules.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

function find(dir, suffix) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return find(p, suffix);
    return e.name.endsWith(suffix) ? [p] : [];
  });
}

const args = process.argv.slice(2);
const source = args.includes("--source");
const filter = args.filter((a) => a !== "--source");
const root = source ? "test" : join("dist", "test");
const files = find(root, source ? ".test.ts" : ".test.js")
  .filter((f) => !f.startsWith(join(root, "cluster")))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s) || f.includes(s.replace(/\.ts$/, ".js"))))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${root} match ${filter.join(" ")}`);
  process.exit(1);
}
const env = source ? { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import tsx`.trim() } : process.env;
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=2", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env,
});
process.exit(r.status ?? 1);
