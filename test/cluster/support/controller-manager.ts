/**
 * kube-controller-manager with only the garbage collector and the namespace controller: the owner-reference
 * collection (and namespace deletion) a real cluster does, which kube-apiserver alone does not.
 * Built by scripts/envtest-assets.sh next to kube-apiserver; start it after the CRDs are installed so its first
 * discovery already sees our kinds.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../api/repo.js";
import type { Cluster } from "./cluster.js";

const K8S_VERSION = "1.35.4";

export function controllerManagerBinary(): string {
  const candidates = [
    process.env.KUBEBUILDER_ASSETS ? join(process.env.KUBEBUILDER_ASSETS, "kube-controller-manager") : "",
    join(repoRoot(), ".tools", "envtest", `v${K8S_VERSION}`, "kube-controller-manager"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `kube-controller-manager not found in ${candidates.join(" or ")}; build it with: KUBEBUILDER_ASSETS= bash scripts/envtest-assets.sh`,
    );
  }
  return found;
}

/** On an existing cluster, its own kube-controller-manager already does this: nothing is started. */
export async function startControllerManager(cluster: Cluster): Promise<{ stop(graceMs?: number): Promise<unknown> }> {
  if (cluster.existing) return { stop: async () => {} };
  const proc = cluster.rc.startProcess(
    "kube-controller-manager",
    controllerManagerBinary(),
    [
      `--kubeconfig=${cluster.cp.kubeconfig}`,
      "--controllers=garbagecollector,namespace",
      "--leader-elect=false",
      "--secure-port=0",
      "--v=2",
    ],
    { dir: cluster.cp.dir },
  );
  await cluster.rc.waitFor(
    "kube-controller-manager garbage collector",
    proc,
    async () => readFileSync(proc.log, "utf8").includes("Proceeding to collect garbage") || "not yet collecting",
    90_000,
  );
  return proc;
}
