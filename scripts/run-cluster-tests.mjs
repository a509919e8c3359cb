// `npm run test:cluster`: the real-component suite in dist/test/cluster (real kube-apiserver + etcd, OpenBao, moto,
// the Go template/regexp oracle). Installs or builds the components first (cached under .tools/), then runs the
// compiled tests one file at a time: each file starts its own components, and two control planes at once would
// only compete for the machine's two cores.
// KUBEBUILDER_ASSETS: use existing envtest binaries (kube-apiserver + etcd) instead of building them.
// ESO_TEST_KUBECONFIG: run the controller tests against the existing cluster this kubeconfig names (its current
// context, admin identity) instead of a control plane of their own; only the files that can are run (see
// EXISTING_CLUSTER_LEAVES_OUT). Deliberately not KUBECONFIG: the suite installs CRDs and RBAC there.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { binaries } from "./lib/real-components.mjs";

/** Files that cannot run against an existing cluster, and why. Every other file runs. */
const EXISTING_CLUSTER_LEAVES_OUT = {
  "webhooks.test.js":
    "the API server must call admission webhooks served on this machine's 127.0.0.1, which a cluster's API server (e.g. in a kind container) cannot reach",
  "fidelity.test.js": "compares the in-process API server with a control plane it starts and observes itself",
};
/** Files that run as usual with ESO_TEST_KUBECONFIG set because they never use the shared cluster. */
const INDEPENDENT = /^(openbao.*|moto|oracle)\.test\.js$/;

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
let files = find(join("dist", "test", "cluster"))
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();

const existing = process.env.ESO_TEST_KUBECONFIG;
if (existing) {
  console.log(`ESO_TEST_KUBECONFIG=${existing}: controller tests run against that cluster (current context)`);
  for (const f of files) {
    const name = basename(f);
    const why = EXISTING_CLUSTER_LEAVES_OUT[name];
    if (why) console.log(`  leaves out ${name}: ${why}`);
    else if (INDEPENDENT.test(name)) console.log(`  runs ${name} (uses components of its own, not the cluster)`);
    else console.log(`  runs ${name} against the cluster`);
  }
  files = files.filter((f) => !EXISTING_CLUSTER_LEAVES_OUT[basename(f)]);
}

const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, KUBEBUILDER_ASSETS: bins.assets },
});
process.exit(r.status ?? 1);
