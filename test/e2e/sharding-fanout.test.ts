/**
 * Shard mode with the other sharded kinds: three replicas split PushSecrets, ClusterExternalSecrets and
 * ClusterPushSecrets as they split ExternalSecrets. Every PushSecret is pushed by the replica that owns it, every
 * child ExternalSecret synced by the replica that owns the child, and a child deleted in another replica's share is
 * re-created by the replica owning its cluster-scoped parent at once, not at the parent's next refresh (1h here).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningControllers, startControllers } from "../../src/controllers/index.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_PUSH_SECRETS,
  CLUSTER_SECRET_STORES,
  PUSH_SECRETS,
} from "../../src/kube/index.js";
import { storeTable } from "../../src/providers/fake/state.js";
import { eventually } from "../support/poll.js";
import { overlappingWriters, type RecordedWrite, startRecordingProxy } from "../support/recording-proxy.js";
import {
  type Cluster,
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  fakeStore,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  startCluster,
} from "../support/world.js";

const NAMESPACES = ["fan-0", "fan-1", "fan-2", "fan-3", "fan-4", "fan-5"];
const PUSHES = 12;
const timing = { leaseDurationMs: 2500, renewDeadlineMs: 1500, retryPeriodMs: 400 };

interface Replica {
  id: string;
  running: RunningControllers;
  close(): Promise<void>;
}

describe("shard mode: PushSecrets and the cluster-scoped fan-out kinds", () => {
  let c: Cluster;
  const writes: RecordedWrite[] = [];
  const replicas: Replica[] = [];
  /** The replica whose share holds `key` (namespace/name, or the name of a cluster-scoped object). */
  const ownerOf = (key: string) => {
    const owners = replicas.filter((r) => r.running.shard!.owns(key));
    assert.equal(owners.length, 1, `${key} is owned by ${owners.length} replicas`);
    return owners[0]!.id;
  };
  const writersOf = (object: string) => new Set(writes.filter((w) => w.object === object).map((w) => w.via));

  before(async () => {
    c = await startCluster();
    for (const ns of NAMESPACES) {
      await createNamespace(c as never, ns, { fan: "yes" });
      await c.client.create(SECRET_STORES, fakeStore("backup", ns, []) as never);
      await c.client.create(SECRETS, secretManifest(ns, "tls", { crt: `cert-of-${ns}` }) as never);
    }
    await c.client.create(CLUSTER_SECRET_STORES, fakeStore("shared", undefined, [{ key: "/k", value: "v0" }]) as never);
    for (const id of ["replica-a", "replica-b", "replica-c"]) {
      const proxy = await startRecordingProxy(c.api.url, id, writes);
      const running = await startControllers({
        kubeConfig: proxy.kubeConfig(),
        storeRequeueMs: 60_000,
        concurrency: 4,
        shard: { namespace: "default", identity: id, group: "fanout", ...timing },
      });
      replicas.push({ id, running, close: () => running.stop().then(() => proxy.close()) });
    }
    await eventually(() => replicas.every((r) => r.running.shard!.view.members.length === 3), {
      timeoutMs: 20_000,
      what: "one view of three replicas",
    });
  });
  after(async () => {
    for (const r of replicas) await r.close().catch(() => {});
    await c.stop();
  });

  it("pushes every PushSecret once, from the replica that owns it", async () => {
    for (let i = 0; i < PUSHES; i++) {
      const ns = NAMESPACES[i % NAMESPACES.length]!;
      await c.client.create(PUSH_SECRETS, {
        apiVersion: "external-secrets.io/v1alpha1",
        kind: "PushSecret",
        metadata: { name: `push-${i}`, namespace: ns },
        spec: {
          refreshInterval: "1h",
          secretStoreRefs: [{ name: "backup" }],
          selector: { secret: { name: "tls" } },
          data: [{ match: { secretKey: "crt", remoteRef: { remoteKey: `crt-${i}` } } }],
        },
      } as never);
    }
    await eventually(
      () =>
        Array.from({ length: PUSHES }, (_, i) => i).every((i) => {
          const ns = NAMESPACES[i % NAMESPACES.length]!;
          return storeTable(`${ns}/backup`).get(`crt-${i}`)?.value === `cert-of-${ns}`;
        }),
      { timeoutMs: 20_000, what: "every PushSecret pushed" },
    );
    const owners = new Set<string>();
    for (let i = 0; i < PUSHES; i++) {
      const ns = NAMESPACES[i % NAMESPACES.length]!;
      const owner = ownerOf(`${ns}/push-${i}`);
      owners.add(owner);
      await eventually(() => writersOf(`pushsecrets/${ns}/push-${i}`).size > 0, { what: `push-${i} status` });
      assert.deepEqual([...writersOf(`pushsecrets/${ns}/push-${i}`)], [owner], `writers of push-${i}`);
    }
    assert.ok(owners.size > 1, "the PushSecrets were split between replicas");
    assert.deepEqual(overlappingWriters(writes), []);
  });

  it("syncs a ClusterExternalSecret's children from their owners and re-creates a child deleted in another share", async () => {
    await c.client.create(CLUSTER_EXTERNAL_SECRETS, {
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "shared" },
      spec: {
        refreshTime: "1h",
        namespaceSelectors: [{ matchLabels: { fan: "yes" } }],
        externalSecretSpec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "shared", kind: "ClusterSecretStore" },
          target: { name: "shared" },
          data: [{ secretKey: "v", remoteRef: { key: "/k" } }],
        },
      },
    } as never);
    for (const ns of NAMESPACES) {
      await eventually(async () => decoded(await c.client.get(SECRETS, ns, "shared")).v === "v0", {
        timeoutMs: 20_000,
        what: `Secret shared in ${ns}`,
      });
      assert.deepEqual([...writersOf(`secrets/${ns}/shared`)], [ownerOf(`${ns}/shared`)], `writers in ${ns}`);
    }
    const parent = ownerOf("shared");
    const foreign = NAMESPACES.find((ns) => ownerOf(`${ns}/shared`) !== parent);
    assert.ok(foreign, "some child lies in another replica's share");
    const before = await c.client.get(EXTERNAL_SECRETS, foreign, "shared");
    await c.client.delete(EXTERNAL_SECRETS, foreign, "shared");
    const again = await eventually(
      async () => {
        const es = await c.client.get(EXTERNAL_SECRETS, foreign, "shared");
        return es && es.metadata.uid !== before.metadata.uid ? es : undefined;
      },
      { timeoutMs: 10_000, what: `the ExternalSecret in ${foreign} re-created` },
    );
    assert.equal(again.metadata.ownerReferences?.[0]?.name, "shared");
    assert.ok(writersOf(`externalsecrets/${foreign}/shared`).has(parent), "re-created by the parent's owner");
    assert.deepEqual(overlappingWriters(writes), []);
  });

  it("re-creates a ClusterPushSecret's child deleted in another replica's share", async () => {
    await c.client.create(CLUSTER_PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "ClusterPushSecret",
      metadata: { name: "fan" },
      spec: {
        refreshTime: "1h",
        pushSecretName: "fan",
        namespaceSelectors: [{ matchLabels: { fan: "yes" } }],
        pushSecretSpec: {
          refreshInterval: "1h",
          secretStoreRefs: [{ name: "backup" }],
          selector: { secret: { name: "tls" } },
          data: [{ match: { secretKey: "crt", remoteRef: { remoteKey: "fan-crt" } } }],
        },
      },
    } as never);
    await eventually(
      () => NAMESPACES.every((ns) => storeTable(`${ns}/backup`).get("fan-crt")?.value === `cert-of-${ns}`),
      { timeoutMs: 20_000, what: "pushed in every namespace" },
    );
    for (const ns of NAMESPACES) {
      const statusWriters = () =>
        new Set(
          writes.filter((w) => w.object === `pushsecrets/${ns}/fan` && w.subresource === "status").map((w) => w.via),
        );
      await eventually(() => statusWriters().size > 0, { what: `status of the PushSecret in ${ns}` });
      assert.deepEqual([...statusWriters()], [ownerOf(`${ns}/fan`)], `status writers in ${ns}`);
    }
    const parent = ownerOf("fan");
    const foreign = NAMESPACES.find((ns) => ownerOf(`${ns}/fan`) !== parent);
    assert.ok(foreign, "some child lies in another replica's share");
    const before = await c.client.get(PUSH_SECRETS, foreign, "fan");
    await c.client.delete(PUSH_SECRETS, foreign, "fan");
    await eventually(
      async () => {
        const ps = await c.client.get(PUSH_SECRETS, foreign, "fan");
        return ps && ps.metadata.uid !== before.metadata.uid;
      },
      { timeoutMs: 10_000, what: `the PushSecret in ${foreign} re-created` },
    );
    assert.deepEqual(overlappingWriters(writes), []);
  });
});
