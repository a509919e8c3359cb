import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "pol";

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("fake", NS, [
      { key: "a", value: "A" },
      { key: "b", value: "B" },
      { key: "json", value: '{"x":"1","y":"2"}' },
    ]),
  );
});

const data = (name: string) => secretData(h, NS, name);

async function setStoreData(entries: { key: string; value: string }[]): Promise<void> {
  const store = await h.client.get(SECRET_STORES, NS, "fake");
  store.spec.provider.fake.data = entries;
  await h.client.update(SECRET_STORES, store);
}

describe("creationPolicy", () => {
  it("Orphan: no owner reference, the Secret outlives the ExternalSecret", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("orphan", NS, {
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "Orphan" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    await eventually(async () => (await data("orphan")).a === "A");
    const s = await h.client.get(SECRETS, NS, "orphan");
    assert.equal(s.metadata.ownerReferences, undefined);
    await h.client.delete(EXTERNAL_SECRETS, NS, "orphan");
    // Real time: gives the garbage collector a chance to (wrongly) delete the orphaned Secret.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await data("orphan")).a, "A");
  });

  it("Merge: waits for the Secret, then adds its keys and keeps the others", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("merge", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "Merge" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    const waiting = await eventually(() => readyCondition(h, EXTERNAL_SECRETS, NS, "merge"));
    assert.equal(waiting.reason, "SecretMissing");
    assert.equal(waiting.status, "False");
    assert.match(waiting.message ?? "", /CreationPolicy=Merge/);
    assert.equal(await h.client.get(SECRETS, NS, "merge"), undefined);
    await h.client.create(SECRETS, secretManifest(NS, "merge", { mine: "keep" }));
    await eventually(async () => (await data("merge")).a === "A", { timeoutMs: 15_000, what: "merged" });
    assert.deepEqual(await data("merge"), { a: "A", mine: "keep" });
  });

  it("None: no Secret is written", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("none", NS, {
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "None" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    const c = await eventually(() => readyCondition(h, EXTERNAL_SECRETS, NS, "none"));
    assert.equal(c.status, "True");
    assert.equal(await h.client.get(SECRETS, NS, "none"), undefined);
  });

  it("Owner refuses to take over a Secret it does not own", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "taken", { other: "x" }));
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("taken", NS, {
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    const c = await eventually(async () => {
      const cond = await readyCondition(h, EXTERNAL_SECRETS, NS, "taken");
      return cond?.status === "False" ? cond : undefined;
    });
    assert.match(c.message ?? "", /not owned by this ExternalSecret/);
    assert.deepEqual(await data("taken"), { other: "x" });
  });
});

describe("deletionPolicy and dataFrom", () => {
  it("Merge removes only vanished keys; Delete removes the Secret when everything is gone", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("del-merge", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        target: { deletionPolicy: "Merge" },
        data: [
          { secretKey: "a", remoteRef: { key: "a" } },
          { secretKey: "b", remoteRef: { key: "b" } },
        ],
      }),
    );
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("del-delete", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        target: { deletionPolicy: "Delete" },
        data: [{ secretKey: "b", remoteRef: { key: "b" } }],
      }),
    );
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("del-retain", NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "b", remoteRef: { key: "b" } }],
      }),
    );
    await eventually(async () => (await data("del-merge")).b === "B" && (await data("del-delete")).b === "B");
    await eventually(async () => (await data("del-retain")).b === "B");
    await setStoreData([
      { key: "a", value: "A" },
      { key: "json", value: '{"x":"1","y":"2"}' },
    ]);
    await eventually(async () => (await h.client.get(SECRETS, NS, "del-delete")) === undefined, {
      timeoutMs: 15_000,
      what: "deleted",
    });
    await eventually(async () => JSON.stringify(await data("del-merge")) === JSON.stringify({ a: "A" }), {
      timeoutMs: 15_000,
    });
    const deleted = await readyCondition(h, EXTERNAL_SECRETS, NS, "del-delete");
    assert.equal(deleted?.reason, "SecretDeleted");
    const retained = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "del-retain");
      return c?.status === "False" ? c : undefined;
    });
    assert.equal(retained.reason, "SecretSyncedError");
    assert.deepEqual(await data("del-retain"), { b: "B" });
    await setStoreData([
      { key: "a", value: "A" },
      { key: "b", value: "B" },
      { key: "json", value: '{"x":"1","y":"2"}' },
    ]);
  });

  it("extract and find with rewrite; immutable targets", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("from", NS, {
        secretStoreRef: { name: "fake" },
        target: { immutable: true },
        dataFrom: [
          { extract: { key: "json" } },
          { find: { name: { regexp: "^[ab]$" } }, rewrite: [{ regexp: { source: "(.*)", target: "found-$1" } }] },
        ],
      }),
    );
    await eventually(async () => (await data("from"))["found-a"] === "A");
    assert.deepEqual(await data("from"), { x: "1", y: "2", "found-a": "A", "found-b": "B" });
    assert.equal((await h.client.get(SECRETS, NS, "from")).immutable, true);
  });
});
