/**
 * An existing cluster named by ESO_TEST_KUBECONFIG (deliberately not KUBECONFIG, which may name a production
 * cluster), used instead of a control plane of our own. Nothing is started or stopped there; what the tests create
 * (namespaces and cluster-scoped objects) is recorded and deleted again, the CRDs stay installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kube, Obj } from "./kube.js";
import { type ApiCredentials, readKubeconfig } from "./kubeconfig.js";

export const EXISTING_KUBECONFIG_ENV = "ESO_TEST_KUBECONFIG";

export function existingClusterKubeconfig(): string | undefined {
  return process.env[EXISTING_KUBECONFIG_ENV] || undefined;
}

export interface ExistingCluster {
  url: string;
  /** the kubeconfig as given: the admin identity for kubectl */
  kubeconfig: string;
  /** the cluster's CA as a file (written here when the kubeconfig has it inline); "" with insecure-skip-tls-verify */
  caFile: string;
  /** a scratch folder of our own for logs and ServiceAccount kubeconfigs */
  dir: string;
  api: ApiCredentials;
  removeDir(): void;
}

export function openExistingCluster(kubeconfig: string): ExistingCluster {
  const api = readKubeconfig(kubeconfig);
  const dir = mkdtempSync(join(tmpdir(), "eso-existing-cluster-"));
  let caFile = "";
  if (api.ca) {
    caFile = join(dir, "ca.crt");
    writeFileSync(caFile, api.ca);
  }
  return {
    url: api.url,
    kubeconfig,
    caFile,
    dir,
    api,
    removeDir: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What `Kube.apply` created on the shared cluster, to be deleted again: namespaces and cluster-scoped objects. */
export class CreatedObjects {
  private readonly refs: string[] = [];

  readonly record = (ref: string, obj: Obj): void => {
    if (obj.metadata?.namespace || obj.kind === "CustomResourceDefinition") return;
    if (!this.refs.includes(ref)) this.refs.push(ref);
  };

  /**
   * Deletes the recorded objects `which` selects (cluster-scoped ones, then namespaces) and waits until they are
   * gone, so that the next test file can create the same names. Namespace contents go with the namespace.
   */
  async delete(kube: Kube, which: (ref: string) => boolean = () => true): Promise<void> {
    const chosen = this.refs.filter(which);
    if (chosen.length === 0) return;
    const ordered = [
      ...chosen.filter((r) => !r.startsWith("namespace/")),
      ...chosen.filter((r) => r.startsWith("namespace/")),
    ];
    await kube.kubectl(["delete", ...ordered, "--ignore-not-found", "--wait=false"]);
    await kube.kubectl(["wait", "--for=delete", ...ordered, "--timeout=180s"]);
    for (const r of chosen) this.refs.splice(this.refs.indexOf(r), 1);
  }
}
