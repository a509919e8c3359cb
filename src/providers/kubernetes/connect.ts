/**
 * The client for the cluster a kubernetes store points at, its credentials resolved. It uses the operator's
 * transport code with its own connection and rate limiter: never the operator's identity or request budget.
 */
import type { KubernetesProvider } from "../../api/providers/kubernetes.js";
import type { KubeClient } from "../../kube/index.js";
import type { ProviderContext } from "../provider.js";
import { storeConnection, tenantClient } from "./kit/index.js";

export async function connectToStoreCluster(spec: KubernetesProvider, ctx: ProviderContext): Promise<KubeClient> {
  return tenantClient(await storeConnection(spec, ctx, "spec.provider.kubernetes"));
}
