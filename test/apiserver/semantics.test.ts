import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { eventually } from "../support/poll.js";

let server: ApiServer;
let core: k8s.CoreV1Api;
let leases: k8s.CoordinationV1Api;

before(async () => {
  server = await startApiServer();
  const kc = server.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  leases = kc.makeApiClient(k8s.CoordinationV1Api);
  await core.createNamespace({ body: { metadata: { name: "sem" } } });
});

after(async () => {
  await server.stop();
});

/** A raw request; returns status code and parsed JSON body. */
async function req(method: string, path: string, body?: unknown, contentType = "application/json") {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { code: res.status, body: text ? JSON.parse(text) : undefined };
}

const cmPath = (name = "") => `/api/v1/namespaces/sem/configmaps${name ? `/${name}` : ""}`;
const secretPath = (name = "") => `/api/v1/namespaces/sem/secrets${name ? `/${name}` : ""}`;

test("patch: strategic merge merges maps, finalizers and ownerReferences by uid; JSON patch; apply creates", async () => {
  const ownerA = { apiVersion: "v1", kind: "ConfigMap", name: "a", uid: "uid-a" };
  const ownerB = { apiVersion: "v1", kind: "ConfigMap", name: "b", uid: "uid-b" };
  const created = await req("POST", cmPath(), {
    metadata: { name: "smp", labels: { keep: "1", drop: "1" }, finalizers: ["x/one"], ownerReferences: [ownerA] },
    data: { a: "1", b: "2" },
  });
  assert.equal(created.code, 201);

  const smp = "application/strategic-merge-patch+json";
  const patched = await req(
    "PATCH",
    cmPath("smp"),
    {
      metadata: { labels: { drop: null, added: "1" }, finalizers: ["x/two"], ownerReferences: [ownerB] },
      data: { b: null, c: "3" },
    },
    smp,
  );
  assert.equal(patched.code, 200);
  assert.deepEqual(patched.body.data, { a: "1", c: "3" });
  assert.deepEqual(patched.body.metadata.labels, { keep: "1", added: "1" });
  assert.deepEqual(patched.body.metadata.finalizers, ["x/one", "x/two"]);
  assert.deepEqual(
    patched.body.metadata.ownerReferences.map((r: any) => r.uid),
    ["uid-a", "uid-b"],
  );

  const removed = await req(
    "PATCH",
    cmPath("smp"),
    {
      metadata: {
        ownerReferences: [{ uid: "uid-a", $patch: "delete" }],
        "$deleteFromPrimitiveList/finalizers": ["x/one"],
      },
    },
    smp,
  );
  assert.equal(removed.code, 200);
  assert.deepEqual(
    removed.body.metadata.ownerReferences.map((r: any) => r.uid),
    ["uid-b"],
  );
  assert.deepEqual(removed.body.metadata.finalizers, ["x/two"]);

  const jp = await req(
    "PATCH",
    cmPath("smp"),
    [
      { op: "test", path: "/data/a", value: "1" },
      { op: "replace", path: "/data/a", value: "9" },
      { op: "add", path: "/metadata/finalizers/-", value: "x/three" },
      { op: "remove", path: "/metadata/ownerReferences" },
    ],
    "application/json-patch+json",
  );
  assert.equal(jp.code, 200);
  assert.equal(jp.body.data.a, "9");
  assert.deepEqual(jp.body.metadata.finalizers, ["x/two", "x/three"]);
  assert.equal(jp.body.metadata.ownerReferences, undefined);
  const failedTest = await req(
    "PATCH",
    cmPath("smp"),
    [{ op: "test", path: "/data/a", value: "1" }],
    "application/json-patch+json",
  );
  assert.ok(failedTest.code >= 400 && failedTest.code < 500, String(failedTest.code));
  assert.equal(failedTest.body.kind, "Status");

  // Clear finalizers so the object can go away at the end.
  await req("PATCH", cmPath("smp"), { metadata: { finalizers: null } }, "application/merge-patch+json");

  const applied = await req(
    "PATCH",
    `${cmPath("applied")}?fieldManager=eso&force=true`,
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "applied" }, data: { k: "v" } },
    "application/apply-patch+yaml",
  );
  assert.equal(applied.code, 201);
  const reapplied = await req(
    "PATCH",
    `${cmPath("applied")}?fieldManager=eso&force=true`,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: w\n",
    "application/apply-patch+yaml",
  );
  assert.equal(reapplied.code, 200);
  assert.equal(reapplied.body.data.k, "w");

  const unsupported = await req("PATCH", cmPath("applied"), { data: {} }, "text/plain");
  assert.equal(unsupported.code, 415);
});

test("immutable ConfigMaps refuse data changes with a 422 naming the field; metadata may still change", async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: "sem",
    body: { metadata: { name: "frozen" }, immutable: true, data: { a: "1" } },
  });
  const change = await req(
    "PATCH",
    cmPath("frozen"),
    { data: { a: "2" }, binaryData: { b: "AA==" } },
    "application/merge-patch+json",
  );
  assert.equal(change.code, 422);
  assert.equal(change.body.reason, "Invalid");
  assert.deepEqual(change.body.details.causes.map((c: any) => c.field).sort(), ["binaryData", "data"]);
  const unfreeze = await req("PATCH", cmPath("frozen"), { immutable: false }, "application/merge-patch+json");
  assert.equal(unfreeze.code, 422);
  assert.equal(unfreeze.body.details.causes[0].field, "immutable");
  const labels = await req(
    "PATCH",
    cmPath("frozen"),
    { metadata: { labels: { ok: "y" } } },
    "application/merge-patch+json",
  );
  assert.equal(labels.code, 200);
  assert.ok(Number(labels.body.metadata.resourceVersion) > Number(cm.metadata!.resourceVersion));
});

test("422 causes name the offending fields for bad names and Secret types", async () => {
  const badName = await req("POST", cmPath(), { metadata: { name: "Not_Valid" } });
  assert.equal(badName.code, 422);
  assert.equal(badName.body.details.causes[0].field, "metadata.name");
  assert.match(badName.body.message, /^ConfigMap "Not_Valid" is invalid: metadata\.name/);
  const tls = await req("POST", secretPath(), { metadata: { name: "tls" }, type: "kubernetes.io/tls", data: {} });
  assert.equal(tls.code, 422);
  assert.deepEqual(tls.body.details.causes.map((c: any) => c.field).sort(), ["data[tls.crt]", "data[tls.key]"]);
  const docker = await req("POST", secretPath(), {
    metadata: { name: "docker" },
    type: "kubernetes.io/dockerconfigjson",
    stringData: { ".dockerconfigjson": "hunter2-not-json" },
  });
  assert.equal(docker.code, 422);
  assert.equal(docker.body.details.causes[0].field, "data[.dockerconfigjson]");
  assert.ok(!JSON.stringify(docker.body).includes("hunter2"), "the secret value is not echoed");
  const malformed = await req("POST", secretPath(), '{"metadata":{"name":"m"},"stringData":{"k":"hunter2" x}}');
  assert.equal(malformed.code, 400);
  assert.match(malformed.body.message, /^the request body is not valid JSON/);
  assert.ok(!malformed.body.message.includes("hunter2"));
  const s = await req("POST", secretPath(), { metadata: { name: "typed" }, stringData: { a: "b" } });
  assert.equal(s.code, 201);
  const retype = await req("PATCH", secretPath("typed"), { type: "other" }, "application/merge-patch+json");
  assert.equal(retype.code, 422);
  assert.equal(retype.body.details.causes[0].field, "type");
});

test("list: label selector operators, field selectors, limit/continue paging and list resourceVersion", async () => {
  const specs: [string, Record<string, string>][] = [
    ["l1", { env: "prod", tier: "web" }],
    ["l2", { env: "prod", tier: "db" }],
    ["l3", { env: "dev" }],
    ["l4", { tier: "web" }],
    ["l5", {}],
  ];
  for (const [name, labels] of specs) {
    await core.createNamespacedConfigMap({ namespace: "sem", body: { metadata: { name, labels } } });
  }
  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await core.listNamespacedConfigMap({ namespace: "sem", labelSelector, fieldSelector })).items
      .map((i) => i.metadata!.name!)
      .filter((n) => /^l\d$/.test(n));
  assert.deepEqual(await names("env=prod"), ["l1", "l2"]);
  assert.deepEqual(await names("env==prod,tier=web"), ["l1"]);
  assert.deepEqual(await names("env!=prod"), ["l3", "l4", "l5"]);
  assert.deepEqual(await names("env in (dev, prod)"), ["l1", "l2", "l3"]);
  assert.deepEqual(await names("tier notin (web)"), ["l2", "l3", "l5"]);
  assert.deepEqual(await names("tier"), ["l1", "l2", "l4"]);
  assert.deepEqual(await names("!tier"), ["l3", "l5"]);
  assert.deepEqual(await names(undefined, "metadata.name=l3"), ["l3"]);
  assert.deepEqual(await names("env", "metadata.name!=l1"), ["l2", "l3"]);
  const all = await core.listConfigMapForAllNamespaces({ fieldSelector: "metadata.namespace=sem,metadata.name=l4" });
  assert.deepEqual(
    all.items.map((i) => `${i.metadata!.namespace}/${i.metadata!.name}`),
    ["sem/l4"],
  );
  const badSel = await req("GET", `${cmPath()}?labelSelector=${encodeURIComponent("env in prod")}`);
  assert.equal(badSel.code, 400);
  const badField = await req("GET", `${cmPath()}?fieldSelector=${encodeURIComponent("metadata.name in (a)")}`);
  assert.equal(badField.code, 400);

  const seen: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  let listRv: string | undefined;
  do {
    const page = await core.listNamespacedConfigMap({
      namespace: "sem",
      labelSelector: "env",
      limit: 2,
      _continue: cont,
    });
    pages++;
    listRv ??= page.metadata!.resourceVersion;
    assert.equal(page.metadata!.resourceVersion, listRv, "every page reports the snapshot's resourceVersion");
    assert.ok(page.items.length <= 2);
    seen.push(...page.items.map((i) => i.metadata!.name!));
    cont = page.metadata!._continue || undefined;
    assert.equal(page.metadata!.remainingItemCount, undefined, "as kube: no count when a selector filters");
  } while (cont);
  assert.deepEqual(seen, ["l1", "l2", "l3"]);
  assert.equal(pages, 2);
  const first = await core.listNamespacedConfigMap({ namespace: "sem", limit: 1 });
  const total = (await core.listNamespacedConfigMap({ namespace: "sem" })).items.length;
  assert.equal(first.metadata!.remainingItemCount, total - 1);
  const latest = await core.createNamespacedConfigMap({ namespace: "sem", body: { metadata: { name: "later" } } });
  assert.ok(Number(latest.metadata!.resourceVersion) > Number(listRv));
  const bad = await req("GET", `${cmPath()}?limit=1&continue=garbage`);
  assert.equal(bad.code, 400);
});

test("leases: create, renew with optimistic concurrency, and PUT may create", async () => {
  const now = new Date();
  const lease = await leases.createNamespacedLease({
    namespace: "sem",
    body: {
      metadata: { name: "leader" },
      spec: { holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: now, renewTime: now },
    },
  });
  assert.equal(lease.spec!.holderIdentity, "a");
  const renewed = await leases.replaceNamespacedLease({
    namespace: "sem",
    name: "leader",
    body: { ...lease, spec: { ...lease.spec, renewTime: new Date(now.getTime() + 1000) } },
  });
  assert.ok(Number(renewed.metadata!.resourceVersion) > Number(lease.metadata!.resourceVersion));
  await assert.rejects(
    leases.replaceNamespacedLease({
      namespace: "sem",
      name: "leader",
      body: { ...lease, spec: { ...lease.spec, holderIdentity: "b" } },
    }),
    (e: any) => e.code === 409,
  );
  const put = await req("PUT", "/apis/coordination.k8s.io/v1/namespaces/sem/leases/fresh", {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "fresh" },
    spec: { holderIdentity: "c" },
  });
  assert.equal(put.code, 201);
  const list = await leases.listNamespacedLease({ namespace: "sem" });
  assert.deepEqual(list.items.map((l) => l.metadata!.name).sort(), ["fresh", "leader"]);
});

test("events: core/v1 events are created, listed with field selectors and collected with their namespace", async () => {
  await core.createNamespace({ body: { metadata: { name: "ev" } } });
  const ev = await core.createNamespacedEvent({
    namespace: "ev",
    body: {
      metadata: { generateName: "es." },
      involvedObject: { kind: "ExternalSecret", name: "es", namespace: "ev" },
      reason: "Updated",
      message: "secret synced",
      type: "Normal",
      count: 1,
    },
  });
  assert.match(ev.metadata!.name!, /^es\.[a-z0-9]{5}$/);
  const listed = await core.listNamespacedEvent({ namespace: "ev" });
  assert.equal(listed.items.length, 1);
  assert.equal(listed.items[0]!.reason, "Updated");
  await core.deleteNamespace({ name: "ev" });
  await eventually(async () => (await req("GET", "/api/v1/namespaces/ev")).code === 404, {
    timeoutMs: 5000,
    what: "namespace ev removed",
  });
  assert.equal((await core.listEventForAllNamespaces({ fieldSelector: "metadata.namespace=ev" })).items.length, 0);
});

test("a multi-version CRD serves every version through the converter hook and stores the storage version", async () => {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "gadgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "gadgets", singular: "gadget", kind: "Gadget", categories: ["toys"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
            },
          },
        },
        {
          name: "v1beta1",
          served: true,
          storage: false,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", properties: { legacySize: { type: "string" } } } },
            },
          },
        },
      ],
    },
  };
  assert.equal((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code, 201);
  const calls: string[] = [];
  server.setConverter("example.com", (obj, toVersion) => {
    const from = obj.apiVersion.split("/")[1];
    calls.push(`${from}->${toVersion}`);
    const out = structuredClone(obj);
    out.apiVersion = `example.com/${toVersion}`;
    if (from === "v1beta1" && toVersion === "v1") out.spec = { size: Number(obj.spec?.legacySize ?? 0) };
    if (from === "v1" && toVersion === "v1beta1") out.spec = { legacySize: String(obj.spec?.size ?? 0) };
    return out;
  });
  const base = "/apis/example.com";
  const made = await req("POST", `${base}/v1beta1/namespaces/sem/gadgets`, {
    apiVersion: "example.com/v1beta1",
    kind: "Gadget",
    metadata: { name: "g1" },
    spec: { legacySize: "7" },
  });
  assert.equal(made.code, 201);
  assert.deepEqual(made.body.spec, { legacySize: "7" });
  assert.equal(made.body.apiVersion, "example.com/v1beta1");
  const asV1 = await req("GET", `${base}/v1/namespaces/sem/gadgets/g1`);
  assert.deepEqual(asV1.body.spec, { size: 7 });
  assert.equal(asV1.body.apiVersion, "example.com/v1");
  assert.ok(calls.includes("v1beta1->v1"), "stored as v1 through the hook");
  assert.ok(calls.includes("v1->v1beta1"), "served as v1beta1 through the hook");
  const discovery = await req("GET", `${base}/v1beta1`);
  assert.ok(discovery.body.resources.some((r: any) => r.name === "gadgets" && r.categories?.includes("toys")));
});

test("watch: allowWatchBookmarks sends a BOOKMARK carrying the current resourceVersion before a timeout ends the stream", async () => {
  const list = await core.listNamespacedSecret({ namespace: "sem" });
  const rv = list.metadata!.resourceVersion!;
  const res = await fetch(
    `${server.url}/api/v1/namespaces/sem/secrets?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${rv}`,
  );
  await core.createNamespacedSecret({ namespace: "sem", body: { metadata: { name: "watched" } } });
  const events = (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    events.map((e) => e.type),
    ["ADDED", "BOOKMARK"],
  );
  assert.equal(events[0].object.metadata.name, "watched");
  assert.ok(Number(events[1].object.metadata.resourceVersion) >= Number(events[0].object.metadata.resourceVersion));
  assert.equal(events[1].object.kind, "Secret");
});

test("the ESO CRD bundle: defaults applied, enums and nested types enforced with 422 causes, both versions served", async () => {
  const { allCRDs } = await import("../../src/api/crds.js");
  for (const crd of allCRDs()) {
    const r = await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    assert.equal(r.code, 201, JSON.stringify(r.body));
  }
  const path = (v: string, name = "") =>
    `/apis/external-secrets.io/${v}/namespaces/sem/externalsecrets${name ? `/${name}` : ""}`;
  const es = {
    apiVersion: "external-secrets.io/v1beta1",
    kind: "ExternalSecret",
    metadata: { name: "db" },
    spec: {
      secretStoreRef: { name: "vault" },
      target: { name: "db" },
      data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }],
    },
  };
  const created = await req("POST", path("v1beta1"), es);
  assert.equal(created.code, 201, JSON.stringify(created.body));
  const v1 = await req("GET", path("v1", "db"));
  assert.equal(v1.body.apiVersion, "external-secrets.io/v1");
  assert.equal(v1.body.spec.refreshInterval, "1h");
  assert.equal(v1.body.spec.secretStoreRef.kind, "SecretStore");
  assert.equal(v1.body.spec.target.creationPolicy, "Owner");
  assert.equal(v1.body.spec.target.deletionPolicy, "Retain");
  // ESO 2.9 dropped this default (GitOps drift): the field stays as written, absent.
  assert.deepEqual(v1.body.spec.data[0].remoteRef, { key: "db", property: "password" });
  assert.equal(v1.body.metadata.generation, 1);

  const bad = await req("POST", path("v1"), {
    ...es,
    apiVersion: "external-secrets.io/v1",
    metadata: { name: "bad" },
    spec: {
      ...es.spec,
      target: { creationPolicy: "Always", immutable: "yes" },
      data: [{ secretKey: "k", remoteRef: {} }],
    },
  });
  assert.equal(bad.code, 422);
  assert.deepEqual(bad.body.details.causes.map((c: any) => c.field).sort(), [
    "spec.data[0].remoteRef.key",
    "spec.target.creationPolicy",
    "spec.target.immutable",
  ]);
  assert.match(bad.body.message, /^ExternalSecret\.external-secrets\.io "bad" is invalid: /);
});

test("deleting a CRD removes its custom resources, then the CRD, and stops serving the type", async () => {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "doomeds.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "doomeds", singular: "doomed", kind: "Doomed" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
  assert.equal((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code, 201);
  const base = "/apis/example.com/v1/namespaces/sem/doomeds";
  for (const name of ["d1", "d2"]) {
    const r = await req("POST", base, { apiVersion: "example.com/v1", kind: "Doomed", metadata: { name }, x: 1 });
    assert.equal(r.code, 201);
  }
  const watch = fetch(`${server.url}${base}?watch=true&resourceVersion=0&timeoutSeconds=5`);
  const del = await req("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/doomeds.example.com");
  assert.equal(del.code, 200);
  await eventually(
    async () =>
      (await req("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/doomeds.example.com")).code === 404,
    { timeoutMs: 5000, what: "CRD removed" },
  );
  assert.equal((await req("GET", base)).code, 404);
  const discovery = await req("GET", "/apis/example.com/v1");
  assert.ok(!discovery.body?.resources?.some((r: any) => r.name === "doomeds"));
  // Open watches on the removed type end.
  const text = await (await watch).text();
  const types = text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l).type);
  assert.deepEqual(types.slice(0, 2), ["ADDED", "ADDED"]);
});

test("a body namespace other than the URL's is 400 for create, update, server-side apply and patch", async () => {
  const message = "the namespace of the provided object does not match the namespace sent on the request";
  const cm = (name: string, namespace?: string) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, ...(namespace ? { namespace } : {}) },
    data: { a: "1" },
  });
  const expectMismatch = (r: { code: number; body: any }) => {
    assert.equal(r.code, 400);
    assert.equal(r.body.reason, "BadRequest");
    assert.equal(r.body.message, message);
  };
  expectMismatch(await req("POST", cmPath(), cm("ns-post", "default")));
  expectMismatch(await req("PUT", cmPath("ns-put"), cm("ns-put", "default")));
  const apply = (body: string, name = "ns-apply") =>
    req("PATCH", `${cmPath(name)}?fieldManager=t`, body, "application/apply-patch+yaml");
  // Server-side apply that would create the object, in both name-and-namespace orders of kube's checks.
  expectMismatch(await apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ns-apply, namespace: default}\n"));
  expectMismatch(await apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: default}\n"));
  assert.equal((await req("GET", cmPath("ns-apply"))).code, 404, "nothing was created");
  // The matching namespace, or none, is accepted.
  assert.equal(
    (await apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ns-apply, namespace: sem}\n")).code,
    201,
  );
  // Applying to, or patching, the existing object may not move it either.
  expectMismatch(await apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ns-apply, namespace: default}\n"));
  expectMismatch(
    await req("PATCH", cmPath("ns-apply"), { metadata: { namespace: "default" } }, "application/merge-patch+json"),
  );
  const got = await req("GET", cmPath("ns-apply"));
  assert.equal(got.body.metadata.namespace, "sem");
  assert.equal((await req("GET", "/api/v1/namespaces/default/configmaps/ns-apply")).code, 404);
});

test("custom resources: one pruning pass names every unknown field at every depth, keeps preserved and embedded ones", async () => {
  const obj = (t: Record<string, unknown>) => ({ type: "object", properties: t });
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: obj({
              spec: obj({
                size: { type: "integer" },
                nested: obj({ a: { type: "string" } }),
                list: { type: "array", items: obj({ n: { type: "string" } }) },
                free: {
                  ...obj({ known: obj({ x: { type: "string" } }) }),
                  "x-kubernetes-preserve-unknown-fields": true,
                },
                template: { ...obj({ spec: obj({ b: { type: "string" } }) }), "x-kubernetes-embedded-resource": true },
              }),
            }),
          },
        },
      ],
    },
  };
  assert.equal((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code, 201);
  const base = "/apis/example.com/v1/namespaces/sem/widgets";
  const widget = (name: string) => ({
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name },
    spec: {
      size: 1,
      foo: 1,
      nested: { a: "x", bar: 2 },
      list: [{ n: "a", m: "b" }],
      free: { anything: { goes: true }, known: { x: "y", typo: 1 } },
      template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t", bogus: 1 }, spec: { b: "c" }, extra: 1 },
    },
  });
  const unknown = [
    "spec.foo",
    "spec.free.known.typo",
    "spec.list[0].m",
    "spec.nested.bar",
    "spec.template.extra",
    "spec.template.metadata.bogus",
  ];
  const strict = await req("POST", `${base}?fieldValidation=Strict`, widget("w1"));
  assert.equal(strict.code, 400);
  assert.equal(
    strict.body.message,
    `Widget in version "v1" cannot be handled as a Widget: strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(", ")}`,
  );
  assert.equal((await req("GET", `${base}/w1`)).code, 404);

  const res = await fetch(`${server.url}${base}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(widget("w2")),
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("warning"), unknown.map((p) => `299 - "unknown field \\"${p}\\""`).join(", "));
  const stored = (await req("GET", `${base}/w2`)).body;
  assert.deepEqual(stored.spec, {
    size: 1,
    nested: { a: "x" },
    list: [{ n: "a" }],
    free: { anything: { goes: true }, known: { x: "y" } },
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t" }, spec: { b: "c" } },
  });
  const ignored = await fetch(`${server.url}${base}?fieldValidation=Ignore`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(widget("w3")),
  });
  assert.equal(ignored.status, 201);
  assert.equal(ignored.headers.get("warning"), null);
  assert.deepEqual(((await ignored.json()) as { spec: unknown }).spec, stored.spec);
});

test("printer columns: Kubernetes JSONPath with filters, negative indices, wildcards and {} templates", async () => {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "dials.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "dials", singular: "dial", kind: "Dial" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: "Size", type: "integer", jsonPath: ".spec.size" },
            { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: "Last", type: "string", jsonPath: "{$.spec.tags[-1]}" },
            { name: "Kinds", type: "string", jsonPath: ".status.conditions[*].type" },
            { name: "Missing", type: "string", jsonPath: ".spec.nothing" },
          ],
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
  assert.equal((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code, 201);
  const base = "/apis/example.com/v1/namespaces/sem/dials";
  const dial = {
    apiVersion: "example.com/v1",
    kind: "Dial",
    metadata: { name: "d1" },
    spec: { size: 7, tags: ["a", "b", "c"] },
    status: {
      conditions: [
        { type: "Synced", status: "False" },
        { type: "Ready", status: "True" },
      ],
    },
  };
  assert.equal((await req("POST", base, dial)).code, 201);
  const res = await fetch(`${server.url}${base}`, {
    headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
  });
  const table = (await res.json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(
    table.columnDefinitions.map((c) => c.name),
    ["Name", "Size", "Ready", "Last", "Kinds", "Missing"],
  );
  assert.deepEqual(table.rows[0]?.cells, ["d1", 7, "True", "c", "Synced", null]);
});
