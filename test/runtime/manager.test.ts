import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Registry } from "prom-client";
import { CONFIGMAPS, LEASES } from "../../src/kube/index.js";
import { Controller } from "../../src/runtime/controller.js";
import { parseBindAddress } from "../../src/runtime/health.js";
import type { Lease } from "../../src/runtime/leader.js";
import { Manager } from "../../src/runtime/manager.js";
import { eventually } from "../support/poll.js";
import { type Env, env } from "../support/world.js";

async function get(addr: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${addr}${path}`);
  return { status: res.status, body: await res.text() };
}

describe("manager", () => {
  let e: Env;
  before(async () => {
    e = await env();
  });
  after(() => e.close());

  it("parses bind addresses like controller-runtime", () => {
    assert.deepEqual(parseBindAddress(":8080"), { host: undefined, port: 8080 });
    assert.deepEqual(parseBindAddress("127.0.0.1:0"), { host: "127.0.0.1", port: 0 });
    assert.deepEqual(parseBindAddress("[::1]:9443"), { host: "::1", port: 9443 });
    assert.equal(parseBindAddress("0"), undefined);
    assert.throws(() => parseBindAddress("localhost:http"), /invalid bind address/);
  });

  it("answers /healthz, /readyz (once caches synced) and /metrics", async () => {
    const m = new Manager({
      kubeConfig: e.api.kubeConfig(),
      registry: new Registry(),
      healthAddr: "127.0.0.1:0",
      metricsAddr: "127.0.0.1:0",
    });
    let synced = false;
    m.addReadyCheck("informers-synced", () => synced);
    const c = new Controller({ name: "widgets", metrics: m.metrics, reconcile: async () => {} });
    m.add(c);
    await m.start();
    try {
      const health = m.healthAddress!;
      assert.notEqual(health, m.metricsAddress);
      assert.deepEqual(await get(health, "/healthz"), { status: 200, body: "ok" });
      const notReady = await get(health, "/readyz?verbose");
      assert.equal(notReady.status, 500);
      assert.match(notReady.body, /\[\+\]ping ok/);
      assert.match(notReady.body, /\[-\]informers-synced failed/);
      synced = true;
      assert.deepEqual(await get(health, "/readyz"), { status: 200, body: "ok" });
      assert.equal((await get(health, "/readyz/informers-synced")).status, 200);
      assert.equal((await get(health, "/metrics")).status, 404, "metrics are served on their own address");

      await m.elected();
      c.enqueue({ namespace: "ns", name: "w" });
      await m.client.list(CONFIGMAPS, "default");
      await eventually(async () => /result="success"\} 1/.test((await get(m.metricsAddress!, "/metrics")).body), {
        what: "metric",
      });
      const metrics = await get(m.metricsAddress!, "/metrics");
      assert.equal(metrics.status, 200);
      for (const line of [
        'controller_runtime_reconcile_total{controller="widgets",result="success"} 1',
        'workqueue_adds_total{name="widgets",controller="widgets"} 1',
        'rest_client_requests_total{code="200",method="GET"',
        "workqueue_queue_duration_seconds_bucket",
        "workqueue_work_duration_seconds_bucket",
        "controller_runtime_reconcile_time_seconds_bucket",
      ]) {
        assert.ok(metrics.body.includes(line), `missing ${line}`);
      }
    } finally {
      await m.stop();
    }
    assert.equal(c.isRunning, false);
  });

  it("serves health and metrics on one address when both flags name the same one", async () => {
    const probe = new Manager({
      kubeConfig: e.api.kubeConfig(),
      registry: new Registry(),
      healthAddr: "127.0.0.1:0",
      metricsAddr: "0",
    });
    await probe.start();
    const port = probe.healthAddress!.split(":")[1];
    await probe.stop();
    const addr = `127.0.0.1:${port}`;
    const m = new Manager({
      kubeConfig: e.api.kubeConfig(),
      registry: new Registry(),
      healthAddr: addr,
      metricsAddr: addr,
    });
    await m.start();
    try {
      assert.equal((await get(addr, "/healthz")).status, 200);
      assert.equal((await get(addr, "/metrics")).status, 200);
    } finally {
      await m.stop();
    }
  });

  it("shuts down gracefully: no new work, in-flight reconciles finish undisturbed, lease released", async () => {
    const m = new Manager({
      kubeConfig: e.api.kubeConfig(),
      registry: new Registry(),
      healthAddr: "0",
      metricsAddr: "0",
      leaderElection: {
        id: "graceful",
        namespace: "default",
        identity: "me",
        leaseDurationMs: 5_000,
        renewDeadlineMs: 3_000,
        retryPeriodMs: 100,
      },
    });
    const done: { name: string; aborted: boolean }[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const c = new Controller({
      name: "slow",
      concurrency: 2,
      reconcile: async (req, { signal }) => {
        if (req.name === "slow") await gate;
        done.push({ name: req.name, aborted: signal.aborted });
      },
    });
    m.add(c);
    await m.start();
    await m.elected();
    c.enqueue({ namespace: "", name: "slow" });
    await eventually(() => c.queue.isProcessing("slow"), { what: "reconcile in flight" });
    const stopping = m.stop();
    c.enqueue({ namespace: "", name: "late" });
    // Real time: the lease must stay held while a real reconcile drains.
    await new Promise((r) => setTimeout(r, 100));
    const lease = await e.client.get<Lease>(LEASES, "default", "graceful");
    assert.equal(lease?.spec?.holderIdentity, "me", "the lease is held while reconciles drain");
    release();
    await stopping;
    assert.deepEqual(done, [{ name: "slow", aborted: false }]);
    const after = await e.client.get<Lease>(LEASES, "default", "graceful");
    assert.equal(after?.spec?.holderIdentity, "");
    assert.equal(m.isLeader, false);
  });

  it("aborts reconciles that outlast the graceful shutdown timeout", async () => {
    const m = new Manager({
      kubeConfig: e.api.kubeConfig(),
      registry: new Registry(),
      healthAddr: "0",
      metricsAddr: "0",
      gracefulShutdownMs: 100,
    });
    let aborted = false;
    const c = new Controller({
      name: "hung",
      reconcile: (_req, { signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve();
          });
        }),
    });
    m.add(c);
    await m.start();
    c.enqueue({ namespace: "", name: "x" });
    await eventually(() => c.queue.isProcessing("x"), { what: "reconcile in flight" });
    await m.stop();
    assert.equal(aborted, true);
  });
});
