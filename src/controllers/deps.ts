/** What every controller's setup is given by the composition root (controllers/index.ts). */
import type { CachedKubeClient, KubeClient } from "../kube/index.js";
import type { ProviderServices } from "../providers/open-client.js";
import type { KubeAccess } from "../providers/provider.js";
import type { Logger } from "../runtime/logger.js";
import type { EventRecorder } from "./common/events.js";
import type { EsoMetrics } from "./common/metrics.js";
import type { RenderTemplate } from "./common/secret-template.js";

export interface ControllerDeps {
  /** Straight to the API server (reads that must be current, and the informers' list/watch). */
  server: KubeClient;
  /** Reads answered from the informer caches the setups register; writes go to the server. */
  client: CachedKubeClient;
  /** Credentials and TokenRequests for provider clients. */
  kube: KubeAccess;
  providers: ProviderServices;
  events: EventRecorder;
  metrics: EsoMetrics;
  render: RenderTemplate;
  log: Logger;
  /** --namespace: watch one namespace only. */
  namespace?: string;
  /** --controller-class: only stores with this spec.controller (or none) are handled. */
  controllerClass?: string;
  clusterStoreEnabled: boolean;
  /** --reconcile-timeout (ms). */
  reconcileTimeoutMs?: number;
  /** --shard-mode: the ExternalSecret and PushSecret caches hold this replica's share only. */
  sharded?: boolean;
}
