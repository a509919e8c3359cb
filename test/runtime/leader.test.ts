import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { kubeconfigObject } from "../../src/apiserver/index.js";
import { CONFIGMAPS, type KubeObject, LEASES } from "../../src/kube/index.js";
import { FakeClock } from "../../src/runtime/clock.js";
import { Controller } from "../../src/runtime/controller.js";
import { Informer } from "../../src/runtime/informer.js";
import { LeaderElector, type Lease, microTime } from "../../src/runtime/leader.js";
import { Manager } from "../../src/runtime/manager.js";
import { eventually } from "../support/poll.js";
import { type Env, env } from "../support/world.js";

/** A TCP proxy to the API server that can be cut like a network partition (connections hang, nothing passes). */
async function partitionableProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let partitioned = false;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (partitioned) return;
    const upstream = net.connect(Number(port), hostname);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url,
    /** Existing connections stop carrying data; new ones are accepted and left hanging. */
    partition() {
      partitioned = true;
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(kubeconfigObject(url)));
  return kc;
}

const cm = (name: string): KubeObject & { data: Record<string, string> } => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  data: {},
});

interface Replica {
  id: string;
  manager: Manager;
  informer: Informer;
  /** Reconciled ConfigMap names, with whether this replica led at that moment. */
  runs: { name: string; leader: boolean }[];
  /** Reconciles whose signal was aborted while in flight. */
  aborted: string[];
  stop(): Promise<void>;
}

/** A manager running one ConfigMap controller, as the operator runs its controllers. */
async function replica(
  id: string,
  kubeConfig: KubeConfig,
  le: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number },
): Promise<Replica> {
  const manager = new Manager({
    kubeConfig,
    qps: 0,
    registry: new Registry(),
    healthAddr: "0",
    metricsAddr: "0",
    gracefulShutdownMs: 500,
    leaderElection: { id: "eso-test", namespace: "default", identity: id, ...le },
  });
  const runs: Replica["runs"] = [];
  const aborted: string[] = [];
  const controller = new Controller({
    name: `configmap-${id}`,
    concurrency: 2,
    reconcile: async (req, { signal }) => {
      runs.push({ name: req.name, leader: manager.isLeader });
      // "hold-*" CONFIGMAPS keep a reconcile in flight until the controller aborts it.
      if (req.name.startsWith("hold")) {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        aborted.push(req.name);
      }
    },
  });
  const informer = new Informer(manager.client, CONFIGMAPS, { namespace: "default" });
  informer.addHandler({ add: (o) => controller.enqueue({ namespace: "default", name: o.metadata.name }) });
  controller.onStarted(() => {
    for (const o of informer.cache.list()) controller.enqueue({ namespace: "default", name: o.metadata.name });
  });
  manager.add(controller);
  manager.onStop(() => informer.stop());
  informer.start();
  await informer.waitForSync();
  await manager.start();
  return { id, manager, informer, runs, aborted, stop: () => manager.stop() };
}

async function lease(e: Env): Promise<Lease> {
  return (await e.client.get<Lease>(LEASES, "default", "eso-test"))!;
}

describe("leader election", () => {
  let e: Env;
  before(async () => {
    e = await env();
  });
  after(() => e.close());

  it("exactly one manager reconciles; the standby takes over once the leader's lease expires", async () => {
    const proxy = await partitionableProxy(e.api.url);
    const timing = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 };
    const a = await replica("a", kubeConfigFor(proxy.url), timing);
    await a.manager.elected();
    const b = await replica("b", e.api.kubeConfig(), timing);
    try {
      await e.client.create(CONFIGMAPS, cm("one"));
      await eventually(() => a.runs.some((r) => r.name === "one"), { what: "leader reconciles" });
      // The standby keeps its cache in sync but never reconciles.
      await eventually(() => b.informer.cache.get("default/one") !== undefined, { what: "standby cache" });
      // Real time: the standby runs real watches and lease retries (100 ms); it must stay passive meanwhile.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(b.runs.length, 0);
      assert.equal(b.manager.isLeader, false);
      assert.equal((await lease(e)).spec?.holderIdentity, "a");
      assert.match(await a.manager.registry.metrics(), /leader_election_master_status\{name="eso-test"\} 1/);
      assert.match(await b.manager.registry.metrics(), /leader_election_master_status\{name="eso-test"\} 0/);

      await e.client.create(CONFIGMAPS, cm("hold-a"));
      await eventually(() => a.runs.some((r) => r.name === "hold-a"), { what: "a reconcile in flight on the leader" });

      // Cut the leader off: it stops leading after renewDeadline; b takes over after the lease expires.
      proxy.partition();
      await eventually(() => !a.manager.isLeader, { what: "leader steps down", timeoutMs: 10_000 });
      await eventually(() => a.aborted.includes("hold-a"), {
        what: "the in-flight reconcile is aborted at once",
        timeoutMs: 2_000,
      });
      const aRunsAtLoss = a.runs.length;
      await b.manager.elected();
      assert.equal((await lease(e)).spec?.holderIdentity, "b");
      assert.equal((await lease(e)).spec?.leaseTransitions, 1);
      await eventually(() => b.runs.some((r) => r.name === "one"), { what: "new leader replays its cache" });
      await eventually(() => b.runs.some((r) => r.name === "hold-a"), {
        what: "new leader picks up the interrupted work",
      });
      await e.client.create(CONFIGMAPS, cm("two"));
      await eventually(() => b.runs.some((r) => r.name === "two"), { what: "new leader reconciles new work" });
      assert.equal(a.runs.length, aRunsAtLoss, "the deposed leader does no more work");
      assert.ok(
        [...a.runs, ...b.runs].every((r) => r.leader),
        "no reconcile ran on a replica that did not hold the lease",
      );
    } finally {
      await b.stop();
      await a.stop();
      await proxy.close();
    }
  });

  it("a released lease is taken over at once, long before it would expire", async () => {
    await e.client.delete(LEASES, "default", "eso-test");
    const timing = { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 100 };
    const a = await replica("a", e.api.kubeConfig(), timing);
    await a.manager.elected();
    const b = await replica("b", e.api.kubeConfig(), timing);
    try {
      // Real time: the standby runs real watches and lease retries (100 ms); it must stay passive meanwhile.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(b.manager.isLeader, false);
      const started = Date.now();
      await a.stop();
      assert.equal((await lease(e)).spec?.holderIdentity === "a", false, "released on shutdown");
      await b.manager.elected();
      const tookMs = Date.now() - started;
      assert.ok(tookMs < 15_000, `takeover took ${tookMs} ms`);
      const l = await lease(e);
      assert.equal(l.spec?.holderIdentity, "b");
      assert.equal(l.spec?.leaseDurationSeconds, 30);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it("a standby waits leaseDuration (15 s by default) on its own clock before taking a held lease", async () => {
    const clock = new FakeClock(Date.now());
    const now = clock.now();
    await e.client.create(LEASES, {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "held", namespace: "default" },
      // The holder's timestamps are far in the future: only the local observation time counts.
      spec: {
        holderIdentity: "gone",
        leaseDurationSeconds: 15,
        renewTime: microTime(now + 3_600_000),
        acquireTime: microTime(now),
      },
    });
    let started = 0;
    const elector = new LeaderElector({
      client: e.client,
      name: "held",
      namespace: "default",
      identity: "standby",
      clock,
      onStartedLeading: () => started++,
    });
    assert.deepEqual(
      [elector.leaseDurationMs, elector.renewDeadlineMs, elector.retryPeriodMs],
      [15_000, 10_000, 2_000],
    );
    elector.start();
    try {
      for (let round = 1; round <= 6; round++) {
        await eventually(() => clock.pending() > 0, { what: "elector waits for its retry period" });
        clock.advance(2_400);
      }
      await eventually(() => clock.pending() > 0, { what: "elector waits again" });
      assert.equal(elector.isLeader, false, "14.4 s after first seeing the lease it is still held");
      assert.equal(elector.leader, "gone");
      clock.advance(2_400);
      await eventually(() => elector.isLeader, { what: "takes the lease after 15 s" });
      assert.equal(started, 1);
      const l = (await e.client.get<Lease>(LEASES, "default", "held"))!;
      assert.equal(l.spec?.holderIdentity, "standby");
      assert.equal(l.spec?.leaseTransitions, 1);
      assert.match(l.spec?.renewTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    } finally {
      await elector.stop();
    }
    assert.equal((await e.client.get<Lease>(LEASES, "default", "held"))?.spec?.holderIdentity, "");
  });

  it("rejects timings where the lease could expire before the leader notices", () => {
    const base = { client: e.client, name: "x", namespace: "default", identity: "i" };
    assert.throws(
      () => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
      /leaseDuration/,
    );
    assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }), /renewDeadline/);
  });
});
