/**
 * Leader failover with the full controller set: two replicas (each a runtime Manager with Lease leader election
 * plus the ESO controllers), 300 ExternalSecrets. Mid-sync the leader is cut off from the Lease API only (it can
 * still reach everything else, the dangerous case); it must stop writing before the standby takes over, the
 * standby must take over within about a lease duration and converge everything. Per-replica proxies log every
 * Secret write, so "never two writers at once" is checked on the wire.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Registry } from "prom-client";
import { startControllers } from "../../src/controllers/index.js";
import { EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { Manager } from "../../src/runtime/manager.js";
import { eventually } from "../support/poll.js";
import { type Cluster, createNamespace, decoded, externalSecret, fakeStore, startCluster } from "../support/world.js";
import { kubeConfigFor, type ProxiedRequest, ResettingProxy, readyOf } from "./support.js";

const N = 300;
const NS = "app";
const timing = { leaseDurationMs: 2_000, renewDeadlineMs: 1_200, retryPeriodMs: 200 };

let c: Cluster;
before(async () => {
  c = await startCluster();
  await createNamespace(c, NS);
  const data = Array.from({ length: N }, (_, i) => ({ key: `/k${i}`, value: `v${i}` }));
  await c.client.create(SECRET_STORES, fakeStore("fake", NS, data));
});
after(() => c.stop());

interface Replica {
  proxy: ResettingProxy;
  manager: Manager;
  /** When this replica became leader / stopped leading (0 = never). */
  ledAt: number;
  stoppedAt: number;
  stop(): Promise<void>;
}

async function replica(id: string): Promise<Replica> {
  const proxy = await new ResettingProxy(c.api.url).start();
  const kubeConfig = kubeConfigFor(proxy.url);
  const registry = new Registry();
  const manager = new Manager({
    kubeConfig,
    qps: 0,
    registry,
    healthAddr: "0",
    metricsAddr: "0",
    gracefulShutdownMs: 1_000,
    leaderElection: { id: "external-secrets-controller", namespace: "default", identity: id, ...timing },
  });
  const running = await startControllers({
    kubeConfig,
    runtimeClient: manager.client,
    runtimeMetrics: manager.metrics,
    registry,
    storeRequeueMs: 60_000,
    concurrency: 4,
    deferControllerStart: true,
  });
  for (const ctl of running.controllers) manager.add(ctl);
  manager.onStop(() => running.stop());
  await running.synced();
  const r: Replica = {
    proxy,
    manager,
    ledAt: 0,
    stoppedAt: 0,
    stop: async () => {
      clearInterval(watch);
      await manager.stop();
      await proxy.stop();
    },
  };
  // Taking the lead is stamped the moment it happens (controllers start after it, so before any write);
  // stepping down is sampled often enough to order it against Secret writes.
  void manager.elected().then(() => {
    if (manager.isLeader) r.ledAt = Date.now();
  });
  const watch = setInterval(() => {
    if (!manager.isLeader && r.ledAt && !r.stoppedAt) r.stoppedAt = Date.now();
  }, 10);
  await manager.start();
  return r;
}

const secretWrites = (reqs: ProxiedRequest[]) =>
  reqs.filter((r) => r.method !== "GET" && /^\/api\/v1\/namespaces\/[^/]+\/secrets(\/|$|\?)/.test(r.path));

describe("leader failover", () => {
  it("the standby takes over within the lease duration, converges, and never writes alongside the old leader", async () => {
    for (let i = 0; i < N; i++) {
      await c.client.create(
        EXTERNAL_SECRETS,
        externalSecret(`es-${i}`, NS, {
          refreshInterval: "1h",
          secretStoreRef: { name: "fake", kind: "SecretStore" },
          data: [{ secretKey: "value", remoteRef: { key: `/k${i}` } }],
        }),
      );
    }
    c.api.faults.setLatency(20); // keep the leader busy long enough to cut it off mid-sync
    const a = await replica("replica-a");
    await a.manager.elected();
    const b = await replica("replica-b");
    try {
      assert.equal(b.manager.isLeader, false);
      await eventually(async () => secretWrites(a.proxy.requests).length >= 30, {
        timeoutMs: 60_000,
        what: "leader mid-sync",
      });
      const written = secretWrites(a.proxy.requests).length;
      assert.ok(written < N, `cut off mid-sync (${written} of ${N} written)`);

      // Partition: the leader can no longer renew its Lease but still reaches everything else.
      const cutAt = Date.now();
      a.proxy.block = (r) => r.path.includes("/leases");
      await eventually(async () => b.ledAt > 0, { timeoutMs: 20_000, what: "standby takes over" });
      const takeover = b.ledAt - cutAt;
      c.api.faults.setLatency(0);
      // The standby waits a full lease duration after the last renewal it saw, polling every retry period.
      assert.ok(takeover <= timing.leaseDurationMs + 4 * timing.retryPeriodMs + 1_500, `takeover ${takeover} ms`);
      assert.ok(a.stoppedAt > 0 && a.stoppedAt <= b.ledAt, "the old leader stepped down before the standby led");

      await eventually(
        async () => {
          const all = await c.client.list<any>(EXTERNAL_SECRETS, NS);
          return all.length === N && all.every((es) => readyOf(es)?.status === "True");
        },
        { timeoutMs: 120_000, what: "standby converges" },
      );
      const secrets = await c.client.list<any>(SECRETS, NS, "reconcile.external-secrets.io/managed=true");
      assert.equal(secrets.length, N);
      for (const s of secrets) {
        const i = Number(String(s.metadata.name).replace("es-", ""));
        assert.deepEqual(decoded(s), { value: `v${i}` }, s.metadata.name);
      }

      // On the wire: every Secret write of the old leader precedes the new leader's first one.
      const aWrites = secretWrites(a.proxy.requests);
      const bWrites = secretWrites(b.proxy.requests);
      assert.ok(bWrites.length > 0, "the new leader wrote the rest");
      const lastA = Math.max(...aWrites.map((r) => r.at));
      const firstB = Math.min(...bWrites.map((r) => r.at));
      assert.ok(lastA < firstB, `old leader wrote at ${lastA - cutAt} ms, new leader from ${firstB - cutAt} ms`);
      assert.ok(firstB >= b.ledAt, "the standby wrote nothing before it led");
      console.log(
        `# reliability/failover: ${N} ExternalSecrets; leader cut off after ${written} writes; takeover in ${takeover} ms (lease ${timing.leaseDurationMs} ms); old leader's last write ${lastA - cutAt} ms after the cut, new leader's first ${firstB - cutAt} ms; lost: 0`,
      );
    } finally {
      c.api.faults.setLatency(0);
      await b.stop();
      a.proxy.block = undefined;
      await a.stop();
    }
  });
});
