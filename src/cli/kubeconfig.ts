/** Finding the cluster for the in-cluster commands (controller, certcontroller). */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { FlagError } from "./flags.js";

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** controller-runtime's order: --kubeconfig, $KUBECONFIG, in-cluster, ~/.kube/config. Problems are FlagErrors. */
export function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  const home = join(homedir(), ".kube", "config");
  try {
    if (file) {
      if (!existsSync(file)) throw new FlagError(`flag --kubeconfig: file not found: ${file}`);
      kc.loadFromFile(file);
    } else if (process.env.KUBECONFIG) kc.loadFromDefault();
    else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(join(SA_DIR, "token"))) kc.loadFromCluster();
    else if (existsSync(home)) kc.loadFromFile(home);
    else throw new FlagError("no cluster configuration: pass --kubeconfig, set $KUBECONFIG or run in a pod");
  } catch (err) {
    if (err instanceof FlagError) throw err;
    throw new FlagError(`kubeconfig: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!kc.getCurrentCluster()) throw new FlagError("kubeconfig has no current cluster");
  return kc;
}

/** The pod's namespace when running in one ($POD_NAMESPACE or the service account's), else undefined. */
export function podNamespace(): string | undefined {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(join(SA_DIR, "namespace"), "utf8").trim() || undefined;
  } catch {
    return undefined; // not in a pod
  }
}
