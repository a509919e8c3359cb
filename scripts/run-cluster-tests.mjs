// `npm run test:cluster`: the real-component suite in dist/test/cluster (real kube-apiserver + etcd, OpenBao, moto,
// the Go template/regexp oracle). Installs or builds the components first (cached under .tools/), then runs the
// compiled tests one file at a time: each file starts its own components, and two control planes at once would
// only compete for the machine's two cores.
// KUBEBUILDER_ASSETS: use existing envtest binaries (kube-apiserver + etcd) instead of building them.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { binaries } from "./lib/real-components.mjs";

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith(".test.js") ? [p] : [];
  });
}

const started = Date.now();
const bins = await binaries();
console.log(`real components ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(bins)}`);

const filter = process.argv.slice(2);
const files = find(join("dist", "test", "cluster"))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, KUBEBUILDER_ASSETS: bins.assets },
});
process.exit(r.status ?? 1);
