import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";

let server: ApiServer;
let core: k8s.CoreV1Api;
let custom: k8s.CustomObjectsApi;
let ext: k8s.ApiextensionsV1Api;

before(async () => {
  server = await startApiServer();
  const kc = server.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
  ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
});

after(async () => {
  await server.stop();
});

async function status(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e) {
    const err = e as k8s.ApiException<string>;
    return { code: err.code, body: JSON.parse(err.body) };
  }
  throw new Error("expected the request to fail");
}

export const widgetCRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wd"] },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["size"],
                properties: {
                  size: { type: "integer", minimum: 1, maximum: 10 },
                  color: { type: "string", enum: ["red", "blue"], default: "red" },
                  name: { type: "string", pattern: "^[a-z]+$" },
                  tags: { type: "array", items: { type: "string" } },
                  labels: { type: "object", additionalProperties: { type: "string" } },
                  free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                },
              },
              status: { type: "object", properties: { ready: { type: "boolean" } } },
            },
          },
        },
      },
    ],
  },
};

test("secrets: create with stringData, get, list, update, delete", async () => {
  const created = await core.createNamespacedSecret({
    namespace: "default",
    body: { metadata: { name: "s1", labels: { app: "x" } }, stringData: { user: "admin" }, data: { a: "Yg==" } },
  });
  assert.equal(created.type, "Opaque");
  assert.deepEqual(created.data, { a: "Yg==", user: Buffer.from("admin").toString("base64") });
  assert.ok(created.metadata?.uid);
  assert.ok(created.metadata?.creationTimestamp);
  const got = await core.readNamespacedSecret({ namespace: "default", name: "s1" });
  assert.equal(got.metadata?.resourceVersion, created.metadata?.resourceVersion);
  const list = await core.listNamespacedSecret({ namespace: "default", labelSelector: "app=x" });
  assert.equal(list.items.length, 1);
  got.data = { a: "Yw==" };
  const updated = await core.replaceNamespacedSecret({ namespace: "default", name: "s1", body: got });
  assert.ok(Number(updated.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
  const stale = await status(core.replaceNamespacedSecret({ namespace: "default", name: "s1", body: got }));
  assert.equal(stale.code, 409);
  assert.equal(stale.body.reason, "Conflict");
  await core.deleteNamespacedSecret({ namespace: "default", name: "s1" });
  const gone = await status(core.readNamespacedSecret({ namespace: "default", name: "s1" }));
  assert.equal(gone.code, 404);
  assert.equal(gone.body.reason, "NotFound");
  assert.equal(gone.body.message, 'secrets "s1" not found');
});

test("secrets: AlreadyExists, bad base64, immutable, bad key", async () => {
  await core.createNamespacedSecret({
    namespace: "default",
    body: { metadata: { name: "s2" }, immutable: true, data: { k: "dg==" } },
  });
  const dup = await status(core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s2" } } }));
  assert.equal(dup.code, 409);
  assert.equal(dup.body.reason, "AlreadyExists");
  const b64 = await status(
    core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s3" }, data: { k: "!!!" } } }),
  );
  assert.equal(b64.code, 400);
  assert.match(b64.body.message, /illegal base64/);
  const imm = await status(
    core.patchNamespacedSecret(
      { namespace: "default", name: "s2", body: { data: { k: "eA==" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    ),
  );
  assert.equal(imm.code, 422);
  assert.equal(imm.body.details.causes[0].field, "data");
  const key = await status(
    core.createNamespacedSecret({
      namespace: "default",
      body: { metadata: { name: "s4" }, stringData: { "a b": "x" } },
    }),
  );
  assert.equal(key.code, 422);
  assert.equal(key.body.details.causes[0].field, "data[a b]");
});

test("generateName and namespaces that do not exist", async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: "default",
    body: { metadata: { generateName: "cm-" }, data: { a: "b" } },
  });
  assert.match(cm.metadata!.name!, /^cm-[a-z0-9]{5}$/);
  const missing = await status(
    core.createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "x" } } }),
  );
  assert.equal(missing.code, 404);
  assert.equal(missing.body.message, 'namespaces "nope" not found');
});

test("CRD: serves custom resources with schema defaults, pruning, validation and status subresource", async () => {
  // Raw JSON: client-node's typed models would drop `default` and the x-kubernetes-* keys.
  const r = await fetch(`${server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(widgetCRD),
  });
  assert.equal(r.status, 201);
  const crd = await ext.readCustomResourceDefinition({ name: "widgets.example.com" });
  assert.equal(crd.status?.conditions?.find((c) => c.type === "Established")?.status, "True");
  const w = (await custom.createNamespacedCustomObject({
    group: "example.com",
    version: "v1",
    namespace: "default",
    plural: "widgets",
    body: {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w1" },
      spec: { size: 3, unknown: 1, free: { anything: { goes: true } } },
      status: { ready: true },
    },
  })) as any;
  assert.equal(w.spec.color, "red");
  assert.equal(w.spec.unknown, undefined);
  assert.deepEqual(w.spec.free, { anything: { goes: true } });
  assert.equal(w.status, undefined, "status is dropped on create when the status subresource is enabled");
  assert.equal(w.metadata.generation, 1);

  const bad = await status(
    custom.createNamespacedCustomObject({
      group: "example.com",
      version: "v1",
      namespace: "default",
      plural: "widgets",
      body: {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w2" },
        spec: { size: 11, color: "green", name: "A1" },
      },
    }),
  );
  assert.equal(bad.code, 422);
  const fields = bad.body.details.causes.map((c: any) => c.field).sort();
  assert.deepEqual(fields, ["spec.color", "spec.name", "spec.size"]);
  assert.match(bad.body.message, /^Widget\.example\.com "w2" is invalid/);

  const req = await status(
    custom.createNamespacedCustomObject({
      group: "example.com",
      version: "v1",
      namespace: "default",
      plural: "widgets",
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w3" }, spec: { size: "big" } },
    }),
  );
  assert.equal(req.code, 422);
  assert.equal(req.body.details.causes[0].field, "spec.size");

  // status via /status; spec changes there are ignored
  w.status = { ready: true };
  w.spec.size = 9;
  const st = (await custom.replaceNamespacedCustomObjectStatus({
    group: "example.com",
    version: "v1",
    namespace: "default",
    plural: "widgets",
    name: "w1",
    body: w,
  })) as any;
  assert.equal(st.status.ready, true);
  assert.equal(st.spec.size, 3);
  assert.equal(st.metadata.generation, 1);
  // main endpoint ignores status, bumps generation on spec change
  st.spec.size = 4;
  st.status = { ready: false };
  const up = (await custom.replaceNamespacedCustomObject({
    group: "example.com",
    version: "v1",
    namespace: "default",
    plural: "widgets",
    name: "w1",
    body: st,
  })) as any;
  assert.equal(up.status.ready, true);
  assert.equal(up.spec.size, 4);
  assert.equal(up.metadata.generation, 2);
  // metadata-only change keeps generation
  up.metadata.labels = { a: "b" };
  const lab = (await custom.replaceNamespacedCustomObject({
    group: "example.com",
    version: "v1",
    namespace: "default",
    plural: "widgets",
    name: "w1",
    body: up,
  })) as any;
  assert.equal(lab.metadata.generation, 2);
});
