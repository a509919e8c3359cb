import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";

let server: ApiServer;

before(async () => {
  server = await startApiServer();
});

after(async () => {
  await server.stop();
});

const cmPath = "/api/v1/namespaces/default/configmaps";

async function call(method: string, path: string, body?: unknown, contentType = "application/json", ua?: string) {
  const headers: Record<string, string> = body === undefined ? {} : { "Content-Type": contentType };
  if (ua) headers["User-Agent"] = ua;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const apply = (name: string, manager: string, data: Record<string, string>, force = false) =>
  call(
    "PATCH",
    `${cmPath}/${name}?fieldManager=${manager}${force ? "&force=true" : ""}`,
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data },
    "application/apply-patch+yaml",
  );

const owners = (obj: any) =>
  Object.fromEntries(
    (obj.metadata.managedFields ?? []).map((e: any) => [
      `${e.manager}/${e.operation}`,
      Object.keys(e.fieldsV1["f:data"] ?? {}),
    ]),
  );

test("creates and updates record who set which fields, as kube's Update entries", async () => {
  const created = await call("POST", `${cmPath}?fieldManager=maker`, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "mf1", labels: { a: "1" } },
    data: { k: "v" },
  });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.metadata.managedFields[0].fieldsV1, {
    "f:data": { ".": {}, "f:k": {} },
    "f:metadata": { "f:labels": { ".": {}, "f:a": {} } },
  });
  assert.equal(created.body.metadata.managedFields[0].operation, "Update");
  const patched = await call(
    "PATCH",
    `${cmPath}/mf1?fieldManager=editor`,
    { data: { k: "w", j: "x" } },
    "application/merge-patch+json",
  );
  // The editor changed k and added j: both are now its fields alone; the maker keeps the data map itself.
  assert.deepEqual(owners(patched.body), { "maker/Update": [], "editor/Update": ["f:j", "f:k"] });
  const maker = patched.body.metadata.managedFields.find((e: any) => e.manager === "maker");
  assert.deepEqual(maker.fieldsV1["f:data"], {});
  // Without ?fieldManager the manager is the User-Agent's product name.
  const byAgent = await call(
    "PATCH",
    `${cmPath}/mf1`,
    { data: { z: "1" } },
    "application/merge-patch+json",
    "eso-tool/1.0 (linux/amd64)",
  );
  assert.ok(byAgent.body.metadata.managedFields.some((e: any) => e.manager === "eso-tool"));
});

test("server-side apply: a conflicting apply is refused with kube's 409, force takes the field over", async () => {
  assert.equal((await apply("ssa1", "a", { x: "1", w: "1" })).status, 201);
  const refused = await apply("ssa1", "b", { x: "2" });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.reason, "Conflict");
  assert.equal(refused.body.message, 'Apply failed with 1 conflict: conflict with "a": .data.x');
  assert.deepEqual(refused.body.details.causes, [
    { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".data.x" },
  ]);
  // Applying the same value as the owner is shared ownership, not a conflict.
  assert.equal((await apply("ssa1", "c", { w: "1" })).status, 200);
  const forced = await apply("ssa1", "b", { x: "2" }, true);
  assert.equal(forced.status, 200);
  assert.equal(forced.body.data.x, "2");
  assert.deepEqual(owners(forced.body), { "a/Apply": ["f:w"], "b/Apply": ["f:x"], "c/Apply": ["f:w"] });
});

test("server-side apply removes a field its manager stops applying, unless another manager owns it", async () => {
  await apply("ssa2", "a", { keep: "1", drop: "1", shared: "1" });
  await apply("ssa2", "b", { shared: "1" });
  const after = await apply("ssa2", "a", { keep: "1" });
  assert.deepEqual(after.body.data, { keep: "1", shared: "1" });
  const update = await call(
    "PATCH",
    `${cmPath}/ssa2?fieldManager=editor`,
    { data: { keep: "2" } },
    "application/merge-patch+json",
  );
  const refused = await apply("ssa2", "a", { keep: "3" });
  assert.equal(update.status, 200);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.message, 'Apply failed with 1 conflict: conflict with "editor" using v1: .data.keep');
});

test("an apply without fieldManager is invalid, as kube's PatchOptions validation says", async () => {
  const r = await call(
    "PATCH",
    `${cmPath}/ssa3`,
    { apiVersion: "v1", kind: "ConfigMap" },
    "application/apply-patch+yaml",
  );
  assert.equal(r.status, 422);
  assert.equal(
    r.body.message,
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  );
});

test("re-applying the same configuration changes nothing, not even the resourceVersion", async () => {
  const first = await apply("ssa4", "a", { x: "1" });
  const again = await apply("ssa4", "a", { x: "1" });
  assert.equal(again.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
});
