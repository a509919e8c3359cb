import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { eventually } from "../support/poll.js";

let server: ApiServer;
let core: k8s.CoreV1Api;

before(async () => {
  server = await startApiServer();
  core = server.kubeConfig().makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "gc" } } });
});

after(async () => {
  await server.stop();
});

async function exists(name: string, ns = "gc"): Promise<boolean> {
  try {
    await core.readNamespacedConfigMap({ namespace: ns, name });
    return true;
  } catch (e) {
    if ((e as k8s.ApiException<unknown>).code === 404) return false;
    throw e;
  }
}

async function owner(name: string): Promise<k8s.V1OwnerReference> {
  const o = await core.createNamespacedConfigMap({ namespace: "gc", body: { metadata: { name } } });
  return { apiVersion: "v1", kind: "ConfigMap", name, uid: o.metadata!.uid! };
}

async function dependent(name: string, owners: k8s.V1OwnerReference[], finalizers?: string[]): Promise<void> {
  await core.createNamespacedConfigMap({
    namespace: "gc",
    body: { metadata: { name, ownerReferences: owners, finalizers } },
  });
}

test("background propagation deletes dependents once every owner is gone", async () => {
  const a = await owner("owner-a");
  const b = await owner("owner-b");
  await dependent("dep-a", [a]);
  await dependent("dep-ab", [a, b]);
  await core.deleteNamespacedConfigMap({ namespace: "gc", name: "owner-a" });
  await eventually(async () => !(await exists("dep-a")), { what: "dep-a collected" });
  const shared = await core.readNamespacedConfigMap({ namespace: "gc", name: "dep-ab" });
  assert.deepEqual(
    shared.metadata!.ownerReferences!.map((r) => r.name),
    ["owner-b"],
    "the dangling reference is removed, the live one kept",
  );
  await core.deleteNamespacedConfigMap({ namespace: "gc", name: "owner-b" });
  await eventually(async () => !(await exists("dep-ab")), { what: "dep-ab collected" });
});

test("orphan propagation keeps dependents and removes the owner reference", async () => {
  const o = await owner("owner-o");
  await dependent("dep-o", [o]);
  await core.deleteNamespacedConfigMap({ namespace: "gc", name: "owner-o", propagationPolicy: "Orphan" });
  await new Promise((r) => setTimeout(r, 50));
  const dep = await core.readNamespacedConfigMap({ namespace: "gc", name: "dep-o" });
  assert.equal(dep.metadata!.ownerReferences, undefined);
});

test("foreground propagation removes dependents before the owner", async () => {
  const o = await owner("owner-f");
  await dependent("dep-f", [o]);
  const res = await core.deleteNamespacedConfigMap({
    namespace: "gc",
    name: "owner-f",
    propagationPolicy: "Foreground",
  });
  assert.ok(res);
  await eventually(async () => !(await exists("owner-f")), { what: "owner-f deleted after its dependents" });
  assert.equal(await exists("dep-f"), false);
});

test("finalizers hold deletion: deletionTimestamp set, object gone when the last finalizer is removed", async () => {
  await dependent("fin", [], ["example.com/hold"]);
  await core.deleteNamespacedConfigMap({ namespace: "gc", name: "fin" });
  const held = await core.readNamespacedConfigMap({ namespace: "gc", name: "fin" });
  assert.ok(held.metadata!.deletionTimestamp);
  held.metadata!.finalizers = ["example.com/hold", "example.com/new"];
  await assert.rejects(
    core.replaceNamespacedConfigMap({ namespace: "gc", name: "fin", body: held }),
    (e: any) => e.code === 422,
  );
  held.metadata!.finalizers = [];
  await core.replaceNamespacedConfigMap({ namespace: "gc", name: "fin", body: held });
  assert.equal(await exists("fin"), false);
});

test("deleting a namespace removes its objects, waits for finalizers, and refuses new content meanwhile", async () => {
  await core.createNamespace({ body: { metadata: { name: "doomed" } } });
  await core.createNamespacedSecret({ namespace: "doomed", body: { metadata: { name: "s" } } });
  await core.createNamespacedConfigMap({
    namespace: "doomed",
    body: { metadata: { name: "held", finalizers: ["x.io/f"] } },
  });
  await core.deleteNamespace({ name: "doomed" });
  await eventually(
    async () => {
      const l = await core.listNamespacedSecret({ namespace: "doomed" });
      return l.items.length === 0;
    },
    { what: "secrets removed" },
  );
  const ns = await core.readNamespace({ name: "doomed" });
  assert.equal(ns.status!.phase, "Terminating");
  await assert.rejects(
    core.createNamespacedSecret({ namespace: "doomed", body: { metadata: { name: "late" } } }),
    (e: any) => e.code === 403,
  );
  await core.patchNamespacedConfigMap(
    { namespace: "doomed", name: "held", body: { metadata: { finalizers: null } } },
    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
  );
  await eventually(
    async () => {
      try {
        await core.readNamespace({ name: "doomed" });
        return false;
      } catch (e) {
        return (e as k8s.ApiException<unknown>).code === 404;
      }
    },
    { what: "namespace gone" },
  );
});

test("delete preconditions and deletecollection with a label selector", async () => {
  const cm = await core.createNamespacedConfigMap({ namespace: "gc", body: { metadata: { name: "pre" } } });
  await assert.rejects(
    core.deleteNamespacedConfigMap({ namespace: "gc", name: "pre", body: { preconditions: { uid: "not-it" } } }),
    (e: any) => e.code === 409,
  );
  await core.deleteNamespacedConfigMap({
    namespace: "gc",
    name: "pre",
    body: { preconditions: { uid: cm.metadata!.uid } },
  });
  for (const n of ["x1", "x2", "y1"]) {
    await core.createNamespacedConfigMap({ namespace: "gc", body: { metadata: { name: n, labels: { set: n[0]! } } } });
  }
  await core.deleteCollectionNamespacedConfigMap({ namespace: "gc", labelSelector: "set=x" });
  const left = await core.listNamespacedConfigMap({ namespace: "gc", labelSelector: "set" });
  assert.deepEqual(
    left.items.map((i) => i.metadata!.name),
    ["y1"],
  );
});
