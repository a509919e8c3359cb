/**
 * The declarative controller setup through the in-process API server: `for` reconciles its kind (updates filtered
 * by the predicate), `owns` maps owned objects to their owner, `watches` maps other objects, informers are shared
 * per resource and scope, and every cached object is reconciled when the controller starts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CONFIGMAPS, SECRETS, type Stored } from "../../src/kube/index.js";
import type { Request } from "../../src/runtime/controller.js";
import { ControllerSet } from "../../src/runtime/controller-builder.js";
import { eventually } from "../support/poll.js";
import { type Env, env } from "../support/world.js";

let e: Env;
before(async () => {
  e = await env();
});
after(async () => {
  await e.close();
});

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  data,
});

const dataOf = (o: Stored) => (o as Stored<{ metadata?: Stored["metadata"]; data?: Record<string, string> }>).data;

describe("controller builder", () => {
  it("reconciles its kind, owned objects' owners and watched objects' mapped requests; informers are shared", async () => {
    await e.client.create(CONFIGMAPS, cm("before-start"));
    const set = new ControllerSet({ client: e.client });
    const seen: string[] = [];
    const deleted: string[] = [];
    const builder = set
      .controller("configmaps")
      .for(CONFIGMAPS, {
        namespace: "default",
        predicate: (a: Stored, b: Stored) => JSON.stringify(dataOf(a)) !== JSON.stringify(dataOf(b)),
        onDelete: (o) => deleted.push(o.metadata.name),
      })
      .owns(SECRETS, { namespace: "default" })
      .watches(set.informer(SECRETS, { namespace: "default" }), {
        events: ["add"],
        map: (s) => (s.metadata.labels?.points_to ? [{ namespace: "default", name: s.metadata.labels.points_to }] : []),
      });
    assert.equal(set.informer(CONFIGMAPS, { namespace: "default" }), builder.forInformer, "one informer per scope");
    builder.complete({
      reconcile: async (req: Request) => {
        seen.push(req.name);
        return undefined;
      },
    });
    set.startInformers();
    await set.synced();
    set.startControllers();
    try {
      await eventually(() => seen.includes("before-start"), { what: "the cached object reconciled on start" });
      const owner = await e.client.create(CONFIGMAPS, cm("owner"));
      await eventually(() => seen.includes("owner"), { what: "a new object reconciled" });
      const count = () => seen.filter((n) => n === "owner").length;
      const n = count();
      await e.client.patch(CONFIGMAPS, "default", "owner", { metadata: { labels: { x: "1" } } });
      await eventually(() => builder.forInformer.cache.getByName("default", "owner")?.metadata.labels?.x === "1", {
        what: "label seen",
      });
      // Real time: the informer delivers events concurrently; the filtered one must not reach the reconciler.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(count(), n, "a label change does not pass the predicate");
      await e.client.patch(CONFIGMAPS, "default", "owner", { data: { k: "v" } });
      await eventually(() => count() === n + 1, { what: "a data change passes the predicate" });
      await e.client.create(SECRETS, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: "child",
          namespace: "default",
          ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid! }],
        },
      });
      await eventually(() => count() === n + 2, { what: "an owned object's event reconciles its owner" });
      await e.client.create(SECRETS, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "pointer", namespace: "default", labels: { points_to: "mapped" } },
      });
      await eventually(() => seen.includes("mapped"), { what: "a watched object maps to its request" });
      await e.client.delete(CONFIGMAPS, "default", "before-start");
      await eventually(() => deleted.includes("before-start"), { what: "onDelete runs instead of a reconcile" });
    } finally {
      await set.stop();
    }
  });
});
