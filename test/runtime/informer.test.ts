import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CONFIGMAPS, type KubeObject, MANAGED_SELECTOR, NAMESPACES, objectKey, SECRETS } from "../../src/kube/index.js";
import { Informer } from "../../src/runtime/informer.js";
import { eventually } from "../support/poll.js";
import { type Env, env } from "../support/world.js";

type ConfigMap = KubeObject & { data?: Record<string, string> };

const cm = (name: string, data: Record<string, string> = {}, namespace = "default"): ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});

async function serverState(e: Env, namespace?: string): Promise<Map<string, string>> {
  const { items } = await e.client.listAll(CONFIGMAPS, { namespace });
  return new Map(items.map((o) => [objectKey(o), o.metadata.resourceVersion!]));
}

function cacheState(inf: Informer): Map<string, string> {
  return new Map(inf.cache.list().map((o) => [objectKey(o), o.metadata.resourceVersion!]));
}

describe("informer", () => {
  let e: Env;
  before(async () => {
    e = await env();
    await e.client.create(CONFIGMAPS, cm("pre-1", { store: "vault" }));
  });
  after(() => e.close());

  it("lists, watches adds/updates/deletes and maintains namespace and custom indexes", async () => {
    const inf = new Informer<ConfigMap>(e.client, CONFIGMAPS, {
      indexers: { store: (o) => [String(o.data?.store ?? "")] },
    });
    const events: string[] = [];
    inf.addHandler({
      add: (o) => events.push(`add ${o.metadata.name}`),
      update: (_a, b) => events.push(`update ${b.metadata.name}`),
      delete: (o) => events.push(`delete ${o.metadata.name}`),
    });
    inf.start();
    await inf.waitForSync();
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual(events, ["add pre-1"]);
    assert.equal(inf.cache.byIndex("store", "vault").length, 1);
    await e.client.create(CONFIGMAPS, cm("w-1", { store: "aws" }));
    await e.client.patch(CONFIGMAPS, "default", "w-1", { data: { store: "vault" } });
    await e.client.delete(CONFIGMAPS, "default", "pre-1");
    await eventually(() => events.length === 4, { what: "four events" });
    assert.deepEqual(events, ["add pre-1", "add w-1", "update w-1", "delete pre-1"]);
    assert.deepEqual(
      inf.cache.byIndex("store", "vault").map((o) => o.metadata.name),
      ["w-1"],
    );
    assert.deepEqual(inf.cache.byIndex("store", "aws"), []);
    assert.equal(inf.cache.list("default").length, 1);
    assert.equal(inf.cache.list("other").length, 0);
    assert.equal(inf.lastWatchQuery?.allowWatchBookmarks, true);
    await inf.stop();
  });

  it("caches objects without their managedFields (listed and watched alike)", async () => {
    const managedFields = [
      { manager: "kubectl", operation: "Update", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } },
    ];
    const withFields = (name: string): ConfigMap => ({
      ...cm(name, { k: "v" }, "mf"),
      metadata: { name, namespace: "mf", labels: { team: "a" }, managedFields },
    });
    await e.client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name: "mf" } });
    await e.client.create(CONFIGMAPS, withFields("listed"));
    const inf = new Informer<ConfigMap>(e.client, CONFIGMAPS, { namespace: "mf" });
    inf.start();
    await inf.waitForSync();
    await e.client.create(CONFIGMAPS, withFields("watched"));
    await eventually(() => inf.cache.list("mf").length === 2, { what: "both in the cache" });
    for (const o of inf.cache.list("mf")) {
      assert.equal(o.metadata.managedFields, undefined, o.metadata.name);
      assert.deepEqual(o.metadata.labels, { team: "a" });
      assert.deepEqual(o.data, { k: "v" });
    }
    // A write from a cached copy (no managedFields) leaves the server's managedFields in place.
    const cached = inf.cache.getByName("mf", "watched")!;
    await e.client.update(CONFIGMAPS, { ...cached, data: { k: "v2" } });
    const server = await e.client.get(CONFIGMAPS, "mf", "watched");
    // As kube does, the server tracks field ownership itself (the client-supplied entry is recomputed, not kept).
    const kept = server?.metadata.managedFields;
    assert.ok(Array.isArray(kept) && kept.length > 0, "the API server keeps managedFields");
    await inf.stop();
  });

  it("a cut watch loses no event: it resumes from the last resourceVersion", async () => {
    const inf = new Informer(e.client, CONFIGMAPS, { namespace: "default" });
    const added = new Set<string>();
    const deleted = new Set<string>();
    inf.addHandler({ add: (o) => added.add(o.metadata.name), delete: (o) => deleted.add(o.metadata.name) });
    inf.start();
    await inf.waitForSync();
    const created: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `cut-${i}`;
      await e.client.create(CONFIGMAPS, cm(name, { i: String(i) }));
      created.push(name);
      if (i % 3 === 0) e.api.faults.cutWatches();
      if (i % 5 === 4) await e.client.delete(CONFIGMAPS, "default", `cut-${i - 2}`);
    }
    e.api.faults.cutWatches();
    const want = await serverState(e, "default");
    await eventually(
      async () => {
        const got = cacheState(inf);
        return got.size === want.size && [...want].every(([k, v]) => got.get(k) === v);
      },
      { what: "cache to match the server" },
    );
    for (const name of created) assert.ok(added.has(name), `add event for ${name}`);
    for (let i = 4; i < 40; i += 5) assert.ok(deleted.has(`cut-${i - 2}`), `delete event for cut-${i - 2}`);
    assert.equal(inf.stats.lists, 1, "resumed by watch, never relisted");
    assert.ok(inf.stats.watches > 10);
    await inf.stop();
  });

  it("410 Gone leads to a relist and a consistent cache, with deletes for objects gone meanwhile", async () => {
    const small = await env({ watchHistory: 5 });
    try {
      for (let i = 0; i < 5; i++) await small.client.create(CONFIGMAPS, cm(`g-${i}`));
      const inf = new Informer(small.client, CONFIGMAPS, {});
      const deleted: string[] = [];
      inf.addHandler({ delete: (o) => deleted.push(o.metadata.name) });
      inf.start();
      await inf.waitForSync();
      assert.equal(inf.cache.size, 5);
      // Keep the watch down while more changes than the server's watch history happen.
      small.api.faults.failNext({ verb: "watch", resource: "configmaps" }, 1, 503);
      small.api.faults.cutWatches();
      for (let i = 5; i < 20; i++) await small.client.create(CONFIGMAPS, cm(`g-${i}`));
      await small.client.delete(CONFIGMAPS, "default", "g-0");
      await small.client.delete(CONFIGMAPS, "default", "g-1");
      await eventually(() => inf.stats.relistsAfterGone >= 1, { what: "relist after 410" });
      const want = await serverState(small);
      await eventually(
        async () => {
          const got = cacheState(inf);
          return got.size === want.size && [...want].every(([k, v]) => got.get(k) === v);
        },
        { what: "cache to match the server" },
      );
      assert.deepEqual(deleted.sort(), ["g-0", "g-1"]);
      assert.ok(inf.stats.lists >= 2);
      await inf.stop();
    } finally {
      await small.close();
    }
  });

  it("caches no unrelated Secret: list and watch carry the managed label selector", async () => {
    const big = "x".repeat(8 * 1024);
    const payload = Buffer.from(big).toString("base64");
    const inf = new Informer(e.client, SECRETS, { labelSelector: MANAGED_SELECTOR });
    inf.start();
    await inf.waitForSync();
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      creates.push(
        e.client.create(SECRETS, {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: `unrelated-${i}`, namespace: "default" },
          data: { blob: payload },
        }),
      );
      if (creates.length >= 50) await Promise.all(creates.splice(0));
    }
    await Promise.all(creates);
    await e.client.create(SECRETS, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "managed", namespace: "default", labels: { "reconcile.external-secrets.io/managed": "true" } },
      data: { k: "dg==" },
    });
    await eventually(() => inf.cache.size === 1, { what: "the managed Secret in cache" });
    e.api.faults.cutWatches();
    await eventually(() => inf.stats.watches >= 2, { what: "a rewatch" });
    assert.deepEqual(inf.cache.keys(), ["default/managed"]);
    assert.equal(inf.lastListQuery?.labelSelector, MANAGED_SELECTOR);
    assert.equal(inf.lastWatchQuery?.labelSelector, MANAGED_SELECTOR);
    assert.ok(inf.stats.events <= 3, `only managed-Secret events crossed the wire (${inf.stats.events})`);
    await inf.stop();
  });
});
