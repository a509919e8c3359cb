/**
 * Events have a client of their own: first syncs create a Secret, an Event and a status each, but only the Secret
 * and the status are sent through the controller's client (and so spend its QPS budget).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startControllers } from "../../src/controllers/index.js";
import { EVENTS, KubeClient } from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";
import {
  type Cluster,
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  SECRET_STORES,
  startCluster,
} from "../support/world.js";

const NS = "budget";
const COUNT = 10;
let cluster: Cluster;
let stop: () => Promise<void>;
/** Write requests the controller's own client sent, by method. */
const sent: Record<string, number> = {};

before(async () => {
  cluster = await startCluster();
  const runtimeClient = new KubeClient({
    kubeConfig: cluster.api.kubeConfig(),
    qps: 0,
    metrics: {
      restRequests: { inc: ({ method }) => void (sent[method] = (sent[method] ?? 0) + 1) },
      restLatency: { observe: () => {} },
    },
  });
  const controllers = await startControllers({
    kubeConfig: cluster.api.kubeConfig(),
    runtimeClient,
    storeRequeueMs: 60_000,
  });
  await controllers.synced();
  stop = async () => {
    await controllers.stop();
    runtimeClient.close();
  };
  await createNamespace(cluster, NS);
  await cluster.client.create(SECRET_STORES, fakeStore("fake", NS, [{ key: "db", value: "pw" }]));
});

after(async () => {
  await stop();
  await cluster.stop();
});

describe("the Events' own budget", () => {
  it("first syncs send their Created events through the events client, not the controller's", async () => {
    cluster.api.resetCounts();
    for (let i = 0; i < COUNT; i++) {
      await cluster.client.create(
        EXTERNAL_SECRETS,
        externalSecret(`es-${i}`, NS, {
          refreshInterval: "1h",
          secretStoreRef: { name: "fake", kind: "SecretStore" },
          target: { name: `es-${i}` },
          data: [{ secretKey: "pw", remoteRef: { key: "db" } }],
        }),
      );
    }
    await eventually(
      async () => {
        for (let i = 0; i < COUNT; i++) {
          const es = await cluster.client.get<any>(EXTERNAL_SECRETS, NS, `es-${i}`);
          if (!es?.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True")) return false;
        }
        const events = await cluster.client.list<{ reason: string }>(EVENTS, NS);
        return events.filter((e) => e.reason === "Created").length >= COUNT;
      },
      { timeoutMs: 30_000, what: "all Ready, their events recorded" },
    );
    const counts = cluster.api.requestCounts();
    assert.equal(counts["create secrets"], COUNT);
    assert.ok((counts["create events"] ?? 0) >= COUNT);
    assert.equal(sent.POST, counts["create secrets"], "the controller's client created the Secrets and nothing else");
  });
});
