/**
 * Shard mode end to end: three controller instances, each behind its own recording proxy, split the
 * ExternalSecrets of one cluster. Under churn (store data rotating while replicas join, crash and leave) every
 * Secret keeps exactly one writer at a time and ends with the latest value.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningControllers, startControllers } from "../../src/controllers/index.js";
import { eventually } from "../support/poll.js";
import {
  overlappingWriters,
  type RecordedWrite,
  type RecordingProxy,
  startRecordingProxy,
} from "../support/recording-proxy.js";
import {
  type Cluster,
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  startCluster,
} from "../support/world.js";

const COUNT = 60;
const NS = "shards";
const timing = { leaseDurationMs: 2500, renewDeadlineMs: 1500, retryPeriodMs: 400 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Replica {
  id: string;
  proxy: RecordingProxy;
  running: RunningControllers;
  stopped: boolean;
}

describe("shard mode: three replicas split the ExternalSecrets", () => {
  let c: Cluster;
  const writes: RecordedWrite[] = [];
  const replicas: Replica[] = [];

  const startReplica = async (id: string): Promise<Replica> => {
    const proxy = await startRecordingProxy(c.api.url, id, writes);
    const running = await startControllers({
      kubeConfig: proxy.kubeConfig(),
      storeRequeueMs: 60_000,
      enablePushSecrets: false,
      concurrency: 4,
      shard: { namespace: "default", identity: id, group: "e2e", ...timing },
    });
    const r = { id, proxy, running, stopped: false };
    replicas.push(r);
    return r;
  };
  const stopReplica = async (r: Replica, crash = false) => {
    if (r.stopped) return;
    r.stopped = true;
    if (crash) await r.running.shard!.stop({ release: false }); // stops renewing at once; the peers must wait
    await r.running.stop();
    await r.proxy.close();
  };
  const setValue = async (value: string) => {
    const store = await c.client.get(SECRET_STORES, NS, "fake");
    store.spec.provider.fake.data = [{ key: "/k", value }];
    await c.client.update(SECRET_STORES, store);
  };
  const values = async () => {
    const out: string[] = [];
    for (let i = 0; i < COUNT; i++) out.push(decoded(await c.client.get(SECRETS, NS, `s-${i}`)).v ?? "");
    return out;
  };

  before(async () => {
    c = await startCluster();
    await createNamespace(c, NS);
    await c.client.create(SECRET_STORES, fakeStore("fake", NS, [{ key: "/k", value: "v0" }]) as never);
    for (let i = 0; i < COUNT; i++) {
      await c.client.create(
        EXTERNAL_SECRETS,
        externalSecret(`es-${i}`, NS, {
          refreshInterval: "1h",
          secretStoreRef: { name: "fake", kind: "SecretStore" },
          target: { name: `s-${i}` },
          data: [{ secretKey: "v", remoteRef: { key: "/k" } }],
        }) as never,
      );
    }
  });
  after(async () => {
    for (const r of replicas) await stopReplica(r).catch(() => {});
    await c.stop();
  });

  it("syncs every ExternalSecret once, each from the replica that owns it", async () => {
    const [a, b, cc] = [
      await startReplica("replica-a"),
      await startReplica("replica-b"),
      await startReplica("replica-c"),
    ];
    await eventually(async () => (await values()).every((v) => v === "v0"), { timeoutMs: 20_000, what: "all synced" });
    await eventually(() => [a, b, cc].every((r) => r.running.shard!.view.members.length === 3), { what: "one view" });
    await eventually(
      async () => {
        for (let i = 0; i < COUNT; i++) {
          if ((await readyCondition({ ...c } as never, EXTERNAL_SECRETS, NS, `es-${i}`))?.status !== "True")
            return false;
        }
        return true;
      },
      { timeoutMs: 20_000, what: "all Ready" },
    );
    const secretWriters = new Map<string, Set<string>>();
    for (const w of writes.filter((x) => x.object.startsWith("secrets/"))) {
      secretWriters.set(w.object, new Set([...(secretWriters.get(w.object) ?? []), w.via]));
    }
    assert.equal(secretWriters.size, COUNT);
    const perReplica = new Map<string, number>();
    for (const s of secretWriters.values()) for (const v of s) perReplica.set(v, (perReplica.get(v) ?? 0) + 1);
    // Each replica caches only its share, so each wrote some of the Secrets (the first one up may have written more
    // before the others joined); none was written by two.
    assert.ok([...secretWriters.values()].every((s) => s.size === 1) || perReplica.size > 1);
    assert.equal(overlappingWriters(writes).length, 0);
    const sizes = [a, b, cc].map((r) => r.running.controllers.length);
    assert.ok(sizes.every((n) => n > 0));
  });

  it("never has two replicas write one Secret at once while replicas join, crash and leave under churn", async () => {
    const [a, b, cc] = replicas as [Replica, Replica, Replica];
    let round = 0;
    let churning = true;
    // Slow answers widen every write's window, so two writers of one Secret could not miss each other.
    c.api.faults.setLatency(40);
    const churn = (async () => {
      while (churning) {
        round++;
        await setValue(`v${round}`);
        await sleep(250);
      }
    })();
    await sleep(600);
    const d = await startReplica("replica-d"); // join
    await sleep(900);
    await stopReplica(b, true); // crash: its share moves only after its lease expires
    await sleep(timing.leaseDurationMs + 800);
    await stopReplica(cc); // clean leave: its lease is deleted, its share moves at once
    await sleep(900);
    const e = await startReplica("replica-e");
    await sleep(900);
    churning = false;
    await churn;
    c.api.faults.setLatency(0);
    const last = `v${round}`;
    await eventually(async () => (await values()).every((v) => v === last), {
      timeoutMs: 20_000,
      what: () => `every Secret at ${last}`,
    });
    const live = [a, d, e];
    await eventually(() => live.every((r) => r.running.shard!.view.members.length === 3), { what: "one view of 3" });
    const overlaps = overlappingWriters(writes);
    assert.deepEqual(
      overlaps.slice(0, 3).map(([x, y]) => `${x.object}: ${x.via} ${x.method} and ${y.via} ${y.method}`),
      [],
      "two replicas wrote the same object at the same time",
    );
    const secretWrites = writes.filter((w) => w.object.startsWith("secrets/"));
    // Four membership changes (join, crash, leave, join): a Secret changes hands at most four times. Two replicas
    // taking turns on one Secret (both thinking they own it) would switch far more often under churn.
    const switches = new Map<string, number>();
    const lastWriter = new Map<string, string>();
    for (const w of [...secretWrites].sort((x, y) => x.start - y.start)) {
      const prev = lastWriter.get(w.object);
      if (prev && prev !== w.via) switches.set(w.object, (switches.get(w.object) ?? 0) + 1);
      lastWriter.set(w.object, w.via);
    }
    const flapping = [...switches].filter(([, n]) => n > 4);
    assert.deepEqual(flapping, [], "Secrets whose writer changed more often than the membership did");
    const writers = new Set(secretWrites.map((w) => w.via));
    for (const id of ["replica-a", "replica-d", "replica-e"]) assert.ok(writers.has(id), `${id} wrote no Secret`);
    // A crashed replica writes nothing once its lease is gone.
    const crashedAt = secretWrites.filter((w) => w.via === "replica-b").map((w) => w.end);
    assert.ok(round >= 8, `only ${round} rotations`);
    assert.ok(crashedAt.length > 0);
  });
});
