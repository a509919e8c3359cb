/**
 * The cluster the operator runs in, for simple-mode crd stores (serviceAccountRef only): its API address from
 * the in-cluster service environment and the CA mounted beside the operator's ServiceAccount token. Only the
 * address and trust come from the operator; the identity is the store's ServiceAccount.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { StoreConfigError } from "../errors.js";
import { tenantPolicy } from "../tenant-policy.js";

export interface LocalCluster {
  server: string;
  ca?: Buffer;
}

export async function localCluster(field: string): Promise<LocalCluster> {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new StoreConfigError(
      `${field}: serviceAccountRef alone reads the operator's own cluster, but the operator is not running in a cluster; set server.url with auth or authRef`,
    );
  }
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const caPath = join(dirname(tenantPolicy().ownServiceAccountTokenPath), "ca.crt");
  try {
    return { server, ca: await readFile(caPath) };
  } catch {
    // Without the mounted CA the system roots are trusted, as client-go's in-cluster config would fail to.
    return { server };
  }
}
