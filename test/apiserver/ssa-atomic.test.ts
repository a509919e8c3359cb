import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";

let server: ApiServer;

const gadgetCRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "gadgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Gadget", listKind: "GadgetList", plural: "gadgets", singular: "gadget" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  selector: {
                    type: "object",
                    additionalProperties: { type: "string" },
                    "x-kubernetes-map-type": "atomic",
                  },
                  target: {
                    type: "object",
                    properties: { name: { type: "string" }, port: { type: "integer" } },
                    "x-kubernetes-map-type": "atomic",
                  },
                  tags: { type: "object", additionalProperties: { type: "string" } },
                  hosts: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "atomic" },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const path = "/apis/example.com/v1/namespaces/default/gadgets";

async function call(method: string, url: string, body?: unknown, contentType = "application/json") {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const apply = (name: string, manager: string, spec: Record<string, unknown>, force = false) =>
  call(
    "PATCH",
    `${path}/${name}?fieldManager=${manager}${force ? "&force=true" : ""}`,
    { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name }, spec },
    "application/apply-patch+yaml",
  );

const entry = (obj: any, manager: string, operation = "Apply") =>
  obj.metadata.managedFields.find((e: any) => e.manager === manager && e.operation === operation);

before(async () => {
  server = await startApiServer();
  const crd = await call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", gadgetCRD);
  assert.equal(crd.status, 201);
  // The CRD's resource is served once it is established.
  for (let i = 0; i < 100 && (await call("GET", path)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
});

after(async () => {
  await server.stop();
});

test("an atomic map is owned as a whole: the managedFields entry names the field, not its keys", async () => {
  const res = await apply("g1", "first", { selector: { app: "web", tier: "front" }, tags: { a: "1" } });
  assert.equal(res.status, 201);
  assert.deepEqual(entry(res.body, "first").fieldsV1, {
    "f:spec": { "f:selector": {}, "f:tags": { "f:a": {} } },
  });
});

test("a second manager's apply to an atomic map conflicts on the map; forced, it replaces the map and owns it", async () => {
  assert.equal((await apply("g2", "first", { selector: { app: "web", tier: "front" } })).status, 201);
  const refused = await apply("g2", "second", { selector: { app: "api" } });
  assert.equal(refused.status, 409);
  assert.match(refused.body.message, /conflict with "first": \.spec\.selector/);
  const forced = await apply("g2", "second", { selector: { app: "api" } }, true);
  assert.equal(forced.status, 200);
  // Replaced, not merged: tier is gone.
  assert.deepEqual(forced.body.spec.selector, { app: "api" });
  assert.deepEqual(entry(forced.body, "second").fieldsV1, { "f:spec": { "f:selector": {} } });
  // The first manager lost the field; it keeps no entry (it owned nothing else).
  assert.equal(entry(forced.body, "first"), undefined);
});

test("a granular map next to it still merges key by key between managers", async () => {
  assert.equal((await apply("g3", "first", { tags: { a: "1" } })).status, 201);
  const second = await apply("g3", "second", { tags: { b: "2" } });
  assert.equal(second.status, 200);
  assert.deepEqual(second.body.spec.tags, { a: "1", b: "2" });
  assert.deepEqual(entry(second.body, "second").fieldsV1, { "f:spec": { "f:tags": { "f:b": {} } } });
});

test("an atomic struct is replaced as a whole by its own manager: a dropped member goes", async () => {
  assert.equal((await apply("g4", "first", { target: { name: "db", port: 5432 } })).status, 201);
  const again = await apply("g4", "first", { target: { name: "db" } });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.spec.target, { name: "db" });
});

test("an apply that stops naming an atomic map it alone owned removes the whole map", async () => {
  assert.equal((await apply("g5", "first", { selector: { app: "web" }, tags: { a: "1" } })).status, 201);
  const again = await apply("g5", "first", { tags: { a: "1" } });
  assert.equal(again.body.spec.selector, undefined);
  assert.deepEqual(again.body.spec.tags, { a: "1" });
});

test("an atomic list is replaced and owned as a whole", async () => {
  assert.equal((await apply("g6", "first", { hosts: ["a", "b"] })).status, 201);
  const refused = await apply("g6", "second", { hosts: ["c"] });
  assert.equal(refused.status, 409);
  assert.match(refused.body.message, /\.spec\.hosts/);
  const forced = await apply("g6", "second", { hosts: ["c"] }, true);
  assert.deepEqual(forced.body.spec.hosts, ["c"]);
  assert.deepEqual(entry(forced.body, "second").fieldsV1, { "f:spec": { "f:hosts": {} } });
});

test("an update (merge patch) that changes one key of an atomic map takes the whole map from its applier", async () => {
  assert.equal((await apply("g7", "first", { selector: { app: "web", tier: "front" } })).status, 201);
  const patched = await call(
    "PATCH",
    `${path}/g7?fieldManager=editor`,
    { spec: { selector: { tier: "back" } } },
    "application/merge-patch+json",
  );
  assert.equal(patched.status, 200);
  assert.deepEqual(entry(patched.body, "editor", "Update").fieldsV1, { "f:spec": { "f:selector": {} } });
  assert.equal(entry(patched.body, "first"), undefined);
});
