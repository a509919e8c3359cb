import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeconfigObject } from "../../src/apiserver/index.js";
import { ApiError, CONFIGMAPS, KubeClient } from "../../src/kube/index.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";
import { type Env, env } from "../support/world.js";

/** Counts TCP connections made to the API server through it. */
async function countingProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((c) => {
    connections++;
    const up = net.connect(Number(port), hostname);
    for (const s of [c, up]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
    c.pipe(up).pipe(c);
    c.on("close", () => up.destroy());
    up.on("close", () => c.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(kubeconfigObject(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`)));
  return {
    kubeConfig: kc,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("API client", () => {
  let e: Env;
  before(async () => {
    e = await env();
    await e.client.create(CONFIGMAPS, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
    });
  });
  after(() => e.close());

  it("spaces requests beyond the burst at 1/qps (--client-qps, --client-burst)", async () => {
    const client = new KubeClient({ kubeConfig: e.api.kubeConfig(), qps: 20, burst: 5 });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 15 }, () => client.get(CONFIGMAPS, "default", "c")));
      const took = Date.now() - started;
      // 5 go at once, the other 10 wait 50 ms each for a token: at least ~500 ms however fast the server is.
      assert.ok(took >= 450, `15 requests at qps 20 / burst 5 took only ${took} ms`);
    } finally {
      client.close();
    }
  });

  it("retries 429 after the server's Retry-After, and reports the code when retries run out", async () => {
    const metrics = new RuntimeMetrics();
    const client = new KubeClient({ kubeConfig: e.api.kubeConfig(), qps: 0, metrics });
    const noRetry = new KubeClient({ kubeConfig: e.api.kubeConfig(), qps: 0, maxRetries: 0 });
    try {
      e.api.faults.failNext({ verb: "get", resource: "configmaps" }, 1, 429, "slow down");
      const started = Date.now();
      const cm = await client.get(CONFIGMAPS, "default", "c");
      assert.equal(cm.metadata.name, "c");
      assert.ok(Date.now() - started >= 950, "waited for Retry-After: 1");
      const text = await metrics.text();
      assert.match(text, /rest_client_requests_total\{code="429",method="GET",host="[^"]+"\} 1/);
      assert.match(text, /rest_client_requests_total\{code="200",method="GET",host="[^"]+"\} 1/);

      e.api.faults.failNext({ verb: "get", resource: "configmaps" }, 1, 429, "slow down");
      const err = await noRetry.get(CONFIGMAPS, "default", "c").catch((x: unknown) => x);
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 429);
      assert.equal(err.retryAfterSeconds, 1);
    } finally {
      e.api.faults.clear();
      client.close();
      noRetry.close();
    }
  });

  it("reuses one keep-alive connection for sequential requests", async () => {
    const proxy = await countingProxy(e.api.url);
    const client = new KubeClient({ kubeConfig: proxy.kubeConfig, qps: 0 });
    try {
      for (let i = 0; i < 20; i++) await client.get(CONFIGMAPS, "default", "c");
      await client.list(CONFIGMAPS, "default");
      assert.equal(proxy.connections(), 1);
    } finally {
      client.close();
      await proxy.close();
    }
  });
});
