import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  SECRETS,
  secretData,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "com";
const MANAGED = "reconcile.external-secrets.io/managed";

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("fake", NS, [
      { key: "a", value: "A" },
      { key: "b", value: "B" },
    ]),
  );
});

const data = (name: string) => secretData(h, NS, name);

function createOrMerge(name: string, extra: Record<string, unknown> = {}) {
  return externalSecret(name, NS, {
    refreshInterval: "1h",
    secretStoreRef: { name: "fake" },
    target: { creationPolicy: "CreateOrMerge", ...extra },
    data: [{ secretKey: "a", remoteRef: { key: "a" } }],
  });
}

describe("creationPolicy CreateOrMerge", () => {
  it("creates a missing Secret without an owner reference", async () => {
    await h.client.create(EXTERNAL_SECRETS, createOrMerge("fresh"));
    await eventually(async () => (await data("fresh")).a === "A");
    const s = await h.client.get(SECRETS, NS, "fresh");
    assert.equal(s.metadata.ownerReferences, undefined);
    assert.equal(s.metadata.labels?.[MANAGED], "true");
  });

  it("merges into an existing Secret and keeps the keys others wrote", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "existing", { theirs: "keep" }));
    await h.client.create(EXTERNAL_SECRETS, createOrMerge("existing"));
    await eventually(async () => (await data("existing")).a === "A");
    assert.deepEqual(await data("existing"), { a: "A", theirs: "keep" });
  });

  it("recreates a deleted Secret at once (not at the next interval)", async () => {
    await h.client.create(EXTERNAL_SECRETS, createOrMerge("recreate"));
    await eventually(async () => (await data("recreate")).a === "A");
    const uid = (await h.client.get(SECRETS, NS, "recreate")).metadata.uid;
    await h.client.delete(SECRETS, NS, "recreate");
    const again = await eventually(async () => {
      const s = await h.client.get(SECRETS, NS, "recreate");
      return s && s.metadata.uid !== uid && s;
    });
    assert.equal(Buffer.from(again.data.a, "base64").toString(), "A");
  });

  it("keeps the Secret when the ExternalSecret is deleted", async () => {
    await h.client.create(EXTERNAL_SECRETS, createOrMerge("kept"));
    await eventually(async () => (await data("kept")).a === "A");
    await h.client.delete(EXTERNAL_SECRETS, NS, "kept");
    await eventually(async () => (await h.client.get(EXTERNAL_SECRETS, NS, "kept")) === undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await data("kept")).a, "A");
  });

  it("removes a key it wrote once the ExternalSecret stops producing it, and only that key", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "shrink", { theirs: "keep" }));
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("shrink", NS, {
        secretStoreRef: { name: "fake" },
        target: { creationPolicy: "CreateOrMerge" },
        data: [
          { secretKey: "a", remoteRef: { key: "a" } },
          { secretKey: "b", remoteRef: { key: "b" } },
        ],
      }),
    );
    await eventually(async () => (await data("shrink")).b === "B");
    const es = await h.client.get(EXTERNAL_SECRETS, NS, "shrink");
    es.spec.data = [{ secretKey: "a", remoteRef: { key: "a" } }];
    await h.client.update(EXTERNAL_SECRETS, es);
    await eventually(async () => (await data("shrink")).b === undefined, { what: "key b removed" });
    assert.deepEqual(await data("shrink"), { a: "A", theirs: "keep" });
  });
});

describe("template.metadata.finalizers", () => {
  it("sets the finalizers on the written Secret and keeps finalizers others set", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("fin", NS, {
        secretStoreRef: { name: "fake" },
        target: {
          creationPolicy: "Orphan",
          template: { metadata: { finalizers: ["example.com/hold"] }, data: { a: "{{ .a }}" } },
        },
        data: [{ secretKey: "a", remoteRef: { key: "a" } }],
      }),
    );
    const s = await eventually(async () => {
      const x = await h.client.get(SECRETS, NS, "fin");
      return x?.data?.a && x;
    });
    assert.deepEqual(s.metadata.finalizers, ["example.com/hold"]);
    s.metadata.finalizers = ["other.example/keep", "example.com/hold"];
    s.data.a = Buffer.from("tampered").toString("base64");
    await h.client.update(SECRETS, s);
    await eventually(async () => (await data("fin")).a === "A", { what: "drift restored" });
    const after = await h.client.get(SECRETS, NS, "fin");
    assert.deepEqual(after.metadata.finalizers, ["other.example/keep", "example.com/hold"]);
  });
});
