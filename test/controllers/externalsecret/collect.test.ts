/**
 * How an ExternalSecret's data[] entries reach the provider: all at once when the store gathers reads into one
 * call (so a sync costs one round trip), one after another otherwise (so a failing provider is asked once per
 * attempt, not once per entry). Either way the first failing entry, by index, is the one reported.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExternalSecret } from "../../../src/api/externalsecret.js";
import { collectSecretData } from "../../../src/controllers/externalsecret/pipeline/collect.js";
import type { SourceResolver } from "../../../src/controllers/externalsecret/pipeline/fetch.js";
import { ClientCaches } from "../../../src/providers/caches.js";
import { NoSecretError } from "../../../src/providers/errors.js";
import { fakeProvider } from "../../../src/providers/fake/index.js";
import type { RemoteRef, SecretsClient } from "../../../src/providers/provider.js";
import { b, es, render, text } from "./fixtures.js";

function esReading(keys: string[]): ExternalSecret {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "es", namespace: "ns" },
    spec: {
      secretStoreRef: { name: "store" },
      data: keys.map((key, i) => ({ secretKey: `k${i}`, remoteRef: { key } })),
    },
  };
}

/** A client whose reads stay pending until released, recording how many were in flight together. */
function gatedClient(together: boolean, failing: Record<string, Error> = {}) {
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    getSecret: async (ref: RemoteRef) => {
      started.push(ref.key);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Real time: keeps reads in flight together, so concurrency is observable.
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const err = failing[ref.key];
      if (err) throw err;
      return Buffer.from(`v-${ref.key}`);
    },
    ...(together ? { readsTogether: () => true } : {}),
  } as unknown as SecretsClient;
  const sources: SourceResolver = { client: async () => client, generate: async () => ({}) };
  return { sources, started, maxInFlight: () => maxInFlight };
}

describe("data[] reads", () => {
  it("start together when the store gathers them into one call", async () => {
    const g = gatedClient(true);
    const r = await collectSecretData(esReading(["a", "b", "c"]), g.sources, render);
    assert.equal(g.maxInFlight(), 3);
    assert.deepEqual(Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, v.toString()])), {
      k0: "v-a",
      k1: "v-b",
      k2: "v-c",
    });
  });

  it("run one after another otherwise; a failure stops further reads", async () => {
    const ok = gatedClient(false);
    await collectSecretData(esReading(["a", "b", "c"]), ok.sources, render);
    assert.equal(ok.maxInFlight(), 1);
    const failing = gatedClient(false, { a: new Error("provider down") });
    await assert.rejects(
      collectSecretData(esReading(["a", "b", "c"]), failing.sources, render),
      /\.data\[0\].*provider down/,
    );
    assert.deepEqual(failing.started, ["a"], "entries after the failing one are not read");
  });

  it("report the first failing entry by index, whatever finishes first", async () => {
    const g = gatedClient(true, { b: new Error("denied b"), c: new Error("denied c") });
    await assert.rejects(collectSecretData(esReading(["a", "b", "c"]), g.sources, render), (err: Error) => {
      assert.match(err.message, /\.data\[1\], key: b, err: denied b/);
      return true;
    });
  });

  it("skip missing remote secrets under deletionPolicy Delete when read together", async () => {
    const g = gatedClient(true, { b: new NoSecretError("b not found") });
    const spec = esReading(["a", "b"]);
    spec.spec.target = { deletionPolicy: "Delete" };
    const r = await collectSecretData(spec, g.sources, render);
    assert.deepEqual(Object.keys(r.data), ["k0"]);
    assert.equal(r.missing.length, 1);
  });
});

describe("fetch plan", () => {
  async function sources(): Promise<SourceResolver> {
    const client = await fakeProvider.newClient(
      {
        data: [
          { key: "json", value: '{"user":"u","pass":"p"}' },
          { key: "b64", value: "aGk=" },
          { key: "app/one", value: "1" },
        ],
      },
      {
        kube: {} as never,
        caches: new ClientCaches(),
        storeKind: "SecretStore",
        storeName: "fetch-plan",
        namespace: "ns",
      },
    );
    return { client: async () => client, generate: async () => ({ gen: b("g") }) };
  }
  it("merges dataFrom then data, with decoding and conversion", async () => {
    const r = await collectSecretData(
      es({
        dataFrom: [
          { extract: { key: "json" } },
          { find: { name: { regexp: "^app/" } } },
          { sourceRef: { generatorRef: { kind: "Password", name: "p" } } },
        ],
        data: [{ secretKey: "hi", remoteRef: { key: "b64", decodingStrategy: "Base64" } }],
      }),
      await sources(),
      render,
    );
    assert.deepEqual(text(r.data), { user: "u", pass: "p", app_one: "1", gen: "g", hi: "hi" });
  });
  it("missing remote secrets: error under Retain, skipped under Delete", async () => {
    const spec = { data: [{ secretKey: "k", remoteRef: { key: "absent" } }] };
    await assert.rejects(collectSecretData(es(spec), await sources(), render), /key: absent/);
    const r = await collectSecretData(es({ ...spec, target: { deletionPolicy: "Delete" } }), await sources(), render);
    assert.deepEqual(r.data, {});
    assert.equal(r.missing.length, 1);
    assert.ok(NoSecretError);
  });
});
