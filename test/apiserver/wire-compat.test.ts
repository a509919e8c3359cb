import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";

let server: ApiServer;

before(async () => {
  server = await startApiServer();
  await call("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "wc" } });
});

after(async () => {
  await server.stop();
});

const cmPath = "/api/v1/namespaces/wc/configmaps";

async function call(method: string, path: string, body?: unknown, contentType = "application/json", accept?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = contentType;
  if (accept) headers.Accept = accept;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: parsed };
}

async function watch(path: string, count: number): Promise<any[]> {
  const ac = new AbortController();
  const res = await fetch(`${server.url}${path}`, { signal: ac.signal });
  assert.equal(res.status, 200);
  const events: any[] = [];
  let buf = "";
  const reader = res.body!.getReader();
  const timer = setTimeout(() => ac.abort(), 5000);
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString("utf8");
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: "v" }) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

test("the legacy /watch/ paths stream the same events as ?watch=true", async () => {
  const rv = (await call("GET", cmPath)).body.metadata.resourceVersion;
  await call("POST", cmPath, cm("lw1"));
  await call("POST", cmPath, cm("lw2"));
  const all = await watch(`/api/v1/watch/namespaces/wc/configmaps?resourceVersion=${rv}`, 2);
  assert.deepEqual(
    all.map((e) => [e.type, e.object.metadata.name]),
    [
      ["ADDED", "lw1"],
      ["ADDED", "lw2"],
    ],
  );
  const one = await watch(`/api/v1/watch/namespaces/wc/configmaps/lw2?resourceVersion=${rv}`, 1);
  assert.deepEqual([one[0].type, one[0].object.metadata.name], ["ADDED", "lw2"]);
  const cluster = await watch(`/api/v1/watch/configmaps?resourceVersion=${rv}`, 2);
  assert.equal(cluster.length, 2);
});

test("/openapi/v2 as JSON holds every served path and definition, in Swagger 2.0 shapes", async () => {
  const r = await call("GET", "/openapi/v2", undefined, undefined, "application/json");
  assert.equal(r.status, 200);
  assert.equal(r.body.swagger, "2.0");
  const list = r.body.paths["/api/v1/namespaces/{namespace}/configmaps"];
  assert.equal(list.get.operationId, "listCoreV1NamespacedConfigMap");
  assert.equal(list.get["x-kubernetes-action"], "list");
  assert.deepEqual(list.post.parameters[0], {
    name: "body",
    in: "body",
    required: true,
    schema: { $ref: "#/definitions/io.k8s.api.core.v1.ConfigMap" },
  });
  const def = r.body.definitions["io.k8s.api.core.v1.ConfigMap"];
  assert.deepEqual(def["x-kubernetes-group-version-kind"], [{ group: "", kind: "ConfigMap", version: "v1" }]);
  assert.ok(!JSON.stringify(r.body).includes("#/components/"), "no OpenAPI v3 references left");
});

test("a deletion that completes at once answers with a Success Status, as kube does", async () => {
  const created = (await call("POST", cmPath, cm("del1"))).body;
  const r = await call("DELETE", `${cmPath}/del1`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name: "del1", kind: "configmaps", uid: created.metadata.uid },
  });
});

test("field selectors outside a kind's allowlist are refused; empty maps are not stored; list items carry no kind", async () => {
  await call("POST", cmPath, cm("fs1", {}, {}));
  const bad = await call("GET", `${cmPath}?fieldSelector=data.k%3Dv`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.message, '"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"');
  const ok = await call("GET", `${cmPath}?fieldSelector=metadata.name%3Dfs1`);
  assert.equal(ok.body.items.length, 1);
  const [item] = ok.body.items;
  assert.equal(item.kind, undefined);
  assert.equal(item.apiVersion, undefined);
  assert.equal(item.data, undefined);
  assert.equal(item.metadata.labels, undefined);
  const secretType = await call("GET", "/api/v1/namespaces/wc/secrets?fieldSelector=type%3DOpaque");
  assert.equal(secretType.status, 200);
});

test("an object leaving a watch's label selection is DELETED as it was when it still matched", async () => {
  const rv = (await call("GET", cmPath)).body.metadata.resourceVersion;
  await call("POST", cmPath, cm("sel1", { app: "x" }));
  await call("PATCH", `${cmPath}/sel1`, { metadata: { labels: { app: "y" } } }, "application/merge-patch+json");
  const events = await watch(`${cmPath}?watch=true&resourceVersion=${rv}&labelSelector=app%3Dx`, 2);
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.labels.app]),
    [
      ["ADDED", "x"],
      ["DELETED", "x"],
    ],
  );
  const now = (await call("GET", `${cmPath}/sel1`)).body;
  assert.equal(events[1].object.metadata.resourceVersion, now.metadata.resourceVersion);
});

test("a group-version nobody serves is kube's plain-text 404; error Status details leave empty fields out", async () => {
  const r = await call("GET", "/apis/nothing.example.com/v1/things");
  assert.equal(r.status, 404);
  assert.match(r.type, /^text\/plain/);
  assert.equal(r.body, "404 page not found\n");
  const missing = await call("GET", `${cmPath}/absent`);
  assert.deepEqual(missing.body.details, { name: "absent", kind: "configmaps" });
});

test("YAML bodies read unquoted y/n/yes/no/on/off as booleans, as kube's go-yaml decoder does", async () => {
  const r = await call(
    "PATCH",
    `${cmPath}/y11?fieldManager=t`,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y11\ndata:\n  y: a\n  n: b\n  e7: c\n",
    "application/apply-patch+yaml",
  );
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.data, { true: "a", false: "b", e7: "c" });
});

test("discovery lists a custom resource's verbs in kube's order and every resource's storageVersionHash", async () => {
  const core = (await call("GET", "/api/v1")).body.resources;
  const cms = core.find((r: any) => r.name === "configmaps");
  assert.equal(cms.storageVersionHash, "qFsyl6wFWjQ=");
  const ns = core.find((r: any) => r.name === "namespaces");
  assert.ok(!ns.verbs.includes("deletecollection"));
});

test("removing the last finalizer deletes the object; watchers get it as stored, the writer its update", async () => {
  await call("POST", cmPath, { ...cm("fin1"), metadata: { name: "fin1", finalizers: ["example.com/hold"] } });
  const rv = (await call("GET", cmPath)).body.metadata.resourceVersion;
  await call("DELETE", `${cmPath}/fin1`);
  const more = await call(
    "PATCH",
    `${cmPath}/fin1`,
    { metadata: { finalizers: ["example.com/hold", "example.com/more"] } },
    "application/merge-patch+json",
  );
  assert.equal(more.status, 422);
  assert.equal(
    more.body.message,
    'ConfigMap "fin1" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}',
  );
  const done = await call(
    "PATCH",
    `${cmPath}/fin1`,
    { metadata: { finalizers: null } },
    "application/merge-patch+json",
  );
  assert.equal(done.status, 200);
  assert.equal(done.body.metadata.finalizers, undefined);
  const events = await watch(`${cmPath}?watch=true&resourceVersion=${rv}`, 2);
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.finalizers]),
    [
      ["MODIFIED", ["example.com/hold"]],
      ["DELETED", ["example.com/hold"]],
    ],
  );
  assert.equal((await call("GET", `${cmPath}/fin1`)).status, 404);
});
