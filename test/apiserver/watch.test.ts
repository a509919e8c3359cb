import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { eventually } from "../support/poll.js";

let server: ApiServer;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

before(async () => {
  server = await startApiServer({ watchHistory: 8 });
  kc = server.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "w" } } });
});

after(async () => {
  await server.stop();
});

/** Reads a raw watch stream and returns the parsed events once the stream ends or `count` events arrived. */
async function rawWatch(path: string, count: number): Promise<any[]> {
  const res = await fetch(`${server.url}${path}`);
  assert.equal(res.status, 200);
  const events: any[] = [];
  let buf = "";
  const reader = res.body!.getReader();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += Buffer.from(value).toString("utf8");
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      events.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf("\n");
    }
  }
  await reader.cancel();
  return events;
}

test("watch streams ADDED, MODIFIED, DELETED from a resourceVersion, filtered by label selector", async () => {
  const list = await core.listNamespacedConfigMap({ namespace: "w" });
  const events: [string, string, string][] = [];
  const w = new k8s.Watch(kc);
  const req = await w.watch(
    "/api/v1/namespaces/w/configmaps",
    { resourceVersion: list.metadata!.resourceVersion, labelSelector: "team in (a,b)" },
    (type, obj) => events.push([type, obj.metadata.name, obj.metadata.resourceVersion]),
    () => {},
  );
  await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "c1", labels: { team: "a" } } } });
  await core.createNamespacedConfigMap({
    namespace: "w",
    body: { metadata: { name: "other", labels: { team: "z" } } },
  });
  await core.patchNamespacedConfigMap(
    { namespace: "w", name: "c1", body: { data: { k: "v" } } },
    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
  );
  // Leaving the selection is seen as DELETED, entering it as ADDED.
  await core.patchNamespacedConfigMap(
    { namespace: "w", name: "c1", body: { metadata: { labels: { team: "z" } } } },
    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
  );
  await core.patchNamespacedConfigMap(
    { namespace: "w", name: "other", body: { metadata: { labels: { team: "b" } } } },
    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
  );
  await core.deleteNamespacedConfigMap({ namespace: "w", name: "other" });
  await eventually(() => events.length >= 5, { what: "5 events" });
  req.abort();
  assert.deepEqual(
    events.map(([t, n]) => `${t} ${n}`),
    ["ADDED c1", "MODIFIED c1", "DELETED c1", "ADDED other", "DELETED other"],
  );
  const rvs = events.map(([, , rv]) => Number(rv));
  assert.deepEqual(
    rvs,
    [...rvs].sort((a, b) => a - b),
    "resourceVersions increase",
  );
});

test("watch without resourceVersion starts with synthetic ADDED events; timeoutSeconds ends the stream", async () => {
  await core.createNamespacedSecret({ namespace: "w", body: { metadata: { name: "s1" } } });
  const started = Date.now();
  const events = await rawWatch("/api/v1/namespaces/w/secrets?watch=true&timeoutSeconds=1", 100);
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.object.metadata.name}`),
    ["ADDED s1"],
  );
  assert.ok(Date.now() - started >= 900, "stream stayed open until the timeout");
});

test("bookmarks: sendInitialEvents ends with an initial-events-end bookmark", async () => {
  const events = await rawWatch(
    "/api/v1/namespaces/w/secrets?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan",
    2,
  );
  assert.equal(events[0].type, "ADDED");
  assert.equal(events[1].type, "BOOKMARK");
  assert.equal(events[1].object.metadata.annotations["k8s.io/initial-events-end"], "true");
});

test("a resourceVersion older than the retained history gets 410 Gone as an ERROR event", async () => {
  const start = await core.listNamespacedServiceAccount({ namespace: "w" });
  for (let i = 0; i < 12; i++)
    await core.createNamespacedServiceAccount({ namespace: "w", body: { metadata: { name: `sa${i}` } } });
  const events = await rawWatch(
    `/api/v1/namespaces/w/serviceaccounts?watch=true&resourceVersion=${start.metadata!.resourceVersion}`,
    1,
  );
  assert.equal(events[0].type, "ERROR");
  assert.equal(events[0].object.code, 410);
  assert.equal(events[0].object.reason, "Expired");
});

test("client-node informer keeps its cache right when watches are cut", async () => {
  const informer = k8s.makeInformer(
    kc,
    "/api/v1/namespaces/w/configmaps",
    () => core.listNamespacedConfigMap({ namespace: "w" }),
    "team=inf",
  );
  const names = () =>
    informer
      .list()
      .map((o) => o.metadata!.name!)
      .sort();
  let errors = 0;
  let stopped = false;
  informer.on("error", () => {
    errors++;
    if (!stopped) setTimeout(() => informer.start(), 10);
  });
  await informer.start();
  await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "i1", labels: { team: "inf" } } } });
  await eventually(() => names().includes("i1"), { what: "i1 in the cache" });
  server.faults.cutWatches();
  await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "i2", labels: { team: "inf" } } } });
  await eventually(() => names().includes("i2"), { what: "i2 in the cache after the watch was cut" });
  await core.deleteNamespacedConfigMap({ namespace: "w", name: "i1" });
  await eventually(() => !names().includes("i1"), { what: "i1 removed" });
  stopped = true;
  await informer.stop();
  assert.equal(errors, 0);
  assert.ok((server.requestCounts()["watch configmaps"] ?? 0) >= 2, "the informer re-watched");
});
