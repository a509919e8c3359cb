// Runs every compiled *.test.js under dist/test with node's built-in runner, except dist/test/cluster (the
// real-component suite: `npm run test:cluster`, scripts/run-cluster-tests.mjs).
// Node 20 has no glob support in `node --test`, and its directory mode would also run support modules.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith(".test.js") ? [p] : [];
  });
}

const filter = process.argv.slice(2);
const files = find("dist/test")
  .filter((f) => !f.startsWith(join("dist", "test", "cluster")))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=2", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
