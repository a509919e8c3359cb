/**
 * creationPolicy and deletionPolicy against the real API server, and the owner references the garbage collector
 * acts on. This control plane runs no kube-controller-manager, so nothing collects owned objects by itself: the
 * tests assert the ownerReferences a real GC would follow (controller, blockOwnerDeletion, the owner's uid), and
 * that what our controller deletes itself (deletionPolicy) is gone.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, type Obj, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "pol";

const storeEntries = (entries: Record<string, string>) =>
  Object.entries(entries).map(([key, value]) => ({ key, value }));
const ALL = { a: "A", b: "B", json: '{"x":"1","y":"2"}' };

const op = useOperator({
  setup: async ({ kube }) => {
    await kube.createNamespace(NS);
    await kube.apply(fakeStore("fake", NS, storeEntries(ALL)));
    await kube.waitReady("secretstores", NS, "fake");
  },
});

const data = (name: string) => op.kube.secretData(NS, name);

function secretManifest(name: string, values: Record<string, string>): Obj {
  const encoded = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: NS }, data: encoded };
}

async function setStoreData(entries: Record<string, string>): Promise<void> {
  await op.kube.patch("secretstores", NS, "fake", { spec: { provider: { fake: { data: storeEntries(entries) } } } });
}

describe("creationPolicy", () => {
  it("Owner: the Secret carries the controller owner reference a garbage collector follows", async () => {
    const { kube } = op;
    await kube.apply(
      externalSecret("owned", NS, {
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    await eventually(async () => (await data("owned"))?.a === "A", { ...clusterPoll, what: "owned Secret" });
    const es = await kube.get("externalsecrets", NS, "owned");
    const s = await kube.get("secrets", NS, "owned");
    assert.deepEqual(s?.metadata.ownerReferences, [
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        name: "owned",
        uid: es?.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(s?.metadata.labels["reconcile.external-secrets.io/managed"], "true");
  });

  it("Orphan: no owner reference; the Secret outlives the ExternalSecret", async () => {
    const { kube } = op;
    await kube.apply(
      externalSecret("orphan", NS, {
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "Orphan" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    await eventually(async () => (await data("orphan"))?.a === "A", { ...clusterPoll, what: "orphan Secret" });
    assert.equal((await kube.get("secrets", NS, "orphan"))?.metadata.ownerReferences, undefined);
    await kube.delete("externalsecrets", NS, "orphan");
    await eventually(async () => (await kube.get("externalsecrets", NS, "orphan")) === undefined, {
      ...clusterPoll,
      what: "ExternalSecret gone",
    });
    // Real time (real cluster): gives a wrong delete a chance to happen.
    await sleep(1_000);
    assert.deepEqual(await data("orphan"), { a: "A" });
  });

  it("Merge: waits for the Secret, then adds its keys and keeps the others", async () => {
    const { kube } = op;
    await kube.apply(
      externalSecret("merge", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "Merge" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    const waiting = await kube.waitReady("externalsecrets", NS, "merge", "False");
    assert.equal(waiting.reason, "SecretMissing");
    assert.match(waiting.message ?? "", /CreationPolicy=Merge/);
    assert.equal(await kube.get("secrets", NS, "merge"), undefined);
    await kube.apply(secretManifest("merge", { mine: "keep" }));
    await eventually(async () => (await data("merge"))?.a === "A", { ...clusterPoll, what: "merged" });
    assert.deepEqual(await data("merge"), { a: "A", mine: "keep" });
    assert.equal((await kube.get("secrets", NS, "merge"))?.metadata.ownerReferences, undefined);
  });

  it("None: no Secret is written", async () => {
    const { kube } = op;
    await kube.apply(
      externalSecret("none", NS, {
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "None" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    await kube.waitReady("externalsecrets", NS, "none");
    assert.equal(await kube.get("secrets", NS, "none"), undefined);
  });

  it("Owner refuses to take over a Secret it does not own", async () => {
    const { kube } = op;
    await kube.apply(secretManifest("taken", { other: "x" }));
    await kube.apply(
      externalSecret("taken", NS, {
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    const c = await kube.waitReady("externalsecrets", NS, "taken", "False");
    assert.match(c.message ?? "", /not owned by this ExternalSecret/);
    assert.deepEqual(await data("taken"), { other: "x" });
  });
});

describe("deletionPolicy", () => {
  it("Merge removes only vanished keys; Delete removes the Secret when everything is gone; Retain keeps it", async () => {
    const { kube } = op;
    const spec = (deletionPolicy: string | undefined, keys: string[]) => ({
      refreshInterval: "1s",
      secretStoreRef: { name: "fake" },
      target: deletionPolicy ? { deletionPolicy } : {},
      data: keys.map((k) => ({ secretKey: k, remoteRef: { key: k } })),
    });
    await kube.apply([
      externalSecret("del-merge", NS, spec("Merge", ["a", "b"])),
      externalSecret("del-delete", NS, spec("Delete", ["b"])),
      externalSecret("del-retain", NS, spec(undefined, ["b"])),
    ]);
    for (const n of ["del-merge", "del-delete", "del-retain"]) {
      await eventually(async () => (await data(n))?.b === "B", { ...clusterPoll, what: `${n} synced` });
    }
    await setStoreData({ a: "A", json: ALL.json });
    await eventually(async () => (await kube.get("secrets", NS, "del-delete")) === undefined, {
      ...clusterPoll,
      what: "Delete: Secret deleted",
    });
    await eventually(async () => JSON.stringify(await data("del-merge")) === '{"a":"A"}', {
      ...clusterPoll,
      what: "Merge: vanished key removed",
    });
    const deleted = await kube.ready("externalsecrets", NS, "del-delete");
    assert.equal(deleted?.reason, "SecretDeleted");
    const retained = await kube.waitReady("externalsecrets", NS, "del-retain", "False");
    assert.equal(retained.reason, "SecretSyncedError");
    assert.deepEqual(await data("del-retain"), { b: "B" });
    await setStoreData(ALL);
    // the key is back: deletionPolicy Delete creates the Secret again
    await eventually(async () => (await data("del-delete"))?.b === "B", {
      ...clusterPoll,
      what: "Delete: Secret re-created",
    });
  });
});
