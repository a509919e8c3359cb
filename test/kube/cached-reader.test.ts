/**
 * Reads answered from an informer's cache: no request for a cached object or an equality label selector,
 * copies the caller may change, and the server's answer for an object this client wrote until the cache has it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { CachedKubeClient, CONFIGMAPS, KubeClient, type KubeObject } from "../../src/kube/index.js";
import { Informer } from "../../src/runtime/informer.js";

type ConfigMap = KubeObject & { data?: Record<string, string> };

const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", labels },
  data,
});

describe("CachedKubeClient", () => {
  let api: ApiServer;
  let client: CachedKubeClient;
  let informer: Informer<ConfigMap>;
  before(async () => {
    api = await startApiServer();
    const admin = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
    await admin.create(CONFIGMAPS, cm("one", { k: "v1" }, { team: "a" }));
    await admin.create(CONFIGMAPS, cm("two", { k: "v1" }, { team: "b" }));
    admin.close();
    const plain = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
    client = new CachedKubeClient(plain.transport);
    informer = new Informer<ConfigMap>(plain, CONFIGMAPS, { namespace: "default" });
    client.cache(CONFIGMAPS, informer);
    informer.start();
    await informer.waitForSync();
  });
  after(async () => {
    await informer.stop();
    client.close();
    await api.stop();
  });

  /** Reads of ConfigMaps the API server has answered since the last reset (watches aside). */
  const reads = () => {
    const counts = api.requestCounts();
    return (counts["get configmaps"] ?? 0) + (counts["list configmaps"] ?? 0);
  };

  it("answers gets and equality selectors from the cache, with copies", async () => {
    api.resetCounts();
    const one = await client.get<ConfigMap>(CONFIGMAPS, "default", "one");
    assert.equal(one?.data?.k, "v1");
    one!.data!.k = "changed by the caller";
    one!.metadata!.labels!.team = "z";
    assert.equal((await client.get<ConfigMap>(CONFIGMAPS, "default", "one"))?.data?.k, "v1");
    const teamA = await client.list<ConfigMap>(CONFIGMAPS, "default", "team=a");
    assert.deepEqual(
      teamA.map((o) => o.metadata?.name),
      ["one"],
    );
    assert.equal(reads(), 0, "no request reached the server");
    // A selector the cache cannot answer goes to the server.
    assert.deepEqual((await client.list<ConfigMap>(CONFIGMAPS, "default", "team!=a")).length, 1);
    assert.equal(reads(), 1);
  });

  it("reads its own write from the server until the cache has it", async () => {
    await informer.stop(); // the cache keeps what it has: from now on it lags behind every write
    const two = await client.get<ConfigMap>(CONFIGMAPS, "default", "two");
    await client.update(CONFIGMAPS, { ...two!, data: { k: "v2" } });
    api.resetCounts();
    assert.equal((await client.get<ConfigMap>(CONFIGMAPS, "default", "two"))?.data?.k, "v2");
    assert.equal(reads(), 1, "the written object came from the server");
    assert.equal((await client.get<ConfigMap>(CONFIGMAPS, "default", "one"))?.data?.k, "v1");
    assert.equal(reads(), 1, "others still come from the cache");
    assert.deepEqual(client.peek(CONFIGMAPS, "default", "absent"), {}, "the cache knows it has no such object");
  });
});
