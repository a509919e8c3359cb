import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { NoSecretError } from "../../src/providers/errors.js";
import { fakeProvider } from "../../src/providers/fake/index.js";
import type { KubeAccess, ProviderContext } from "../../src/providers/provider.js";

const kube: KubeAccess = {
  getSecret: async () => undefined,
  getConfigMap: async () => undefined,
  createServiceAccountToken: async () => "",
};

function ctx(storeName: string): ProviderContext {
  return { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName, namespace: "ns" };
}

describe("fake provider", () => {
  it("serves values by key and version, with gjson properties", async () => {
    const client = await fakeProvider.newClient(
      {
        data: [
          { key: "db", value: '{"user":"admin","port":5432,"nested":{"a":1}}' },
          { key: "db", value: "old", version: "v1" },
          { key: "plain", value: "hello" },
        ],
      },
      ctx("s1"),
    );
    assert.equal((await client.getSecret({ key: "plain" })).toString(), "hello");
    assert.equal((await client.getSecret({ key: "db", version: "v1" })).toString(), "old");
    assert.equal((await client.getSecret({ key: "db", property: "user" })).toString(), "admin");
    assert.equal((await client.getSecret({ key: "db", property: "nested" })).toString(), '{"a":1}');
    await assert.rejects(client.getSecret({ key: "missing" }), NoSecretError);
    await assert.rejects(client.getSecret({ key: "db", property: "nope" }), NoSecretError);
    const map = await client.getSecretMap({ key: "db" });
    assert.deepEqual(Object.keys(map).sort(), ["nested", "port", "user"]);
    assert.equal(map.port!.toString(), "5432");
  });

  it("serves valueMap for extract and finds by name, newest version", async () => {
    const client = await fakeProvider.newClient(
      {
        data: [
          { key: "map", valueMap: { a: "1", b: "2" } },
          { key: "app-a", value: "x" },
          { key: "app-b", value: "y1", version: "1" },
          { key: "app-b", value: "y2", version: "2" },
        ],
      },
      ctx("s2"),
    );
    assert.deepEqual(
      Object.fromEntries(Object.entries(await client.getSecretMap({ key: "map" })).map(([k, v]) => [k, v.toString()])),
      { a: "1", b: "2" },
    );
    const found = await client.getAllSecrets({ name: { regexp: "^app-" } });
    assert.deepEqual(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.toString()])), {
      "app-a": "x",
      "app-b": "y2",
    });
  });

  it("keeps pushed values across store edits and refuses to overwrite store data", async () => {
    const c1 = await fakeProvider.newClient({ data: [{ key: "fixed", value: "v" }] }, ctx("s3"));
    await c1.pushSecret(
      { name: "src", namespace: "ns", data: { k: Buffer.from("pushed") } },
      {
        secretKey: "k",
        remoteRef: { remoteKey: "remote" },
      },
    );
    await assert.rejects(
      c1.pushSecret(
        { name: "src", namespace: "ns", data: { k: Buffer.from("x") } },
        {
          secretKey: "k",
          remoteRef: { remoteKey: "fixed" },
        },
      ),
    );
    const c2 = await fakeProvider.newClient({ data: [{ key: "fixed", value: "v2" }] }, ctx("s3"));
    assert.equal((await c2.getSecret({ key: "remote" })).toString(), "pushed");
    assert.equal((await c2.getSecret({ key: "fixed" })).toString(), "v2");
    assert.equal(await c2.secretExists({ remoteKey: "remote" }), true);
    await c2.deleteSecret({ remoteKey: "remote" });
    assert.equal(await c2.secretExists({ remoteKey: "remote" }), false);
  });

  it("validates spec and reports capabilities", async () => {
    assert.equal(fakeProvider.capabilities({ data: [] }), "ReadWrite");
    assert.deepEqual(fakeProvider.validate({ data: [{ key: "" }] }, "SecretStore").errors.length, 2);
    const bad = await fakeProvider.newClient({ data: [], validationResult: 2 }, ctx("s4"));
    assert.equal((await bad.validate()).ready, false);
  });
});
