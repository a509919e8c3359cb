import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { KubeClient } from "../../src/kube/index.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";

export interface Env {
  api: ApiServer;
  client: KubeClient;
  metrics: RuntimeMetrics;
  close(): Promise<void>;
}

/** A fresh in-process API server and an unthrottled client against it. */
export async function env(opts: { watchHistory?: number } = {}): Promise<Env> {
  const api = await startApiServer({ watchHistory: opts.watchHistory });
  const metrics = new RuntimeMetrics();
  const client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0, metrics });
  return {
    api,
    client,
    metrics,
    async close() {
      client.close();
      await api.stop();
    },
  };
}

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
