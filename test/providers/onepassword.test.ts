import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { onePasswordProvider } from "../../src/providers/onepassword/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type OnePasswordFake, startOnePasswordFake } from "../fakes/onepassword-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("onepassword provider (1Password Connect SDK)", () => {
  let fake: OnePasswordFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startOnePasswordFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.vaults.clear();
    fake.addVault("prod");
    fake.addVault("shared");
    fake.addItem("prod", {
      title: "db",
      tags: ["database"],
      fields: [
        { label: "username", value: "admin" },
        { label: "password", value: "prod-pw" },
      ],
    });
    fake.addItem("shared", { title: "db", fields: [{ label: "password", value: "shared-pw" }] });
    fake.addItem("shared", { title: "api", tags: ["api"], fields: [{ label: "token", value: "tok" }] });
    fake.addItem("shared", {
      title: "tls",
      category: "DOCUMENT",
      files: [{ id: "f1", name: "cert.pem", content: Buffer.from([0x2d, 0x00, 0xff, 0x2d]) }],
    });
    fake.addItem("shared", { title: "dup", fields: [{ label: "password", value: "a" }] });
    fake.addItem("shared", { title: "dup", fields: [{ label: "password", value: "b" }] });
    kube = new MemoryKubeAccess().setSecret("ns", "op", { token: fake.token });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "op", namespace: "ns" };
  });

  const spec = (vaults: Record<string, number> = { prod: 1, shared: 2 }) => ({
    connectHost: fake.url,
    vaults,
    auth: { secretRef: { connectTokenSecretRef: { name: "op", key: "token" } } },
  });
  const client = (vaults?: Record<string, number>): Promise<SecretsClient> =>
    onePasswordProvider.newClient(spec(vaults) as any, ctx);

  test("items by title in vault priority order; fields default to password", async () => {
    assert.equal((await (await client()).getSecret({ key: "db" })).toString(), "prod-pw");
    assert.equal((await (await client({ prod: 2, shared: 1 })).getSecret({ key: "db" })).toString(), "shared-pw");
    const c = await client();
    assert.equal((await c.getSecret({ key: "db", property: "username" })).toString(), "admin");
    assert.equal((await c.getSecret({ key: "db", property: "field/username" })).toString(), "admin");
    assert.deepEqual(str(await c.getSecretMap({ key: "db" })), { username: "admin", password: "prod-pw" });
    assert.deepEqual(await c.validate(), { ready: true });
  });

  test("files: document items and file/ properties return raw bytes", async () => {
    const c = await client();
    assert.deepEqual(await c.getSecret({ key: "tls" }), Buffer.from([0x2d, 0x00, 0xff, 0x2d]));
    assert.deepEqual(
      await c.getSecret({ key: "tls", property: "file/cert.pem" }),
      Buffer.from([0x2d, 0x00, 0xff, 0x2d]),
    );
    assert.deepEqual(Object.keys(await c.getSecretMap({ key: "tls" })), ["cert.pem"]);
  });

  test("find by name regexp and tags", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getAllSecrets({ name: { regexp: "^(db|api)$" } })), {
      username: "admin",
      password: "prod-pw",
      token: "tok",
    });
    assert.deepEqual(str(await c.getAllSecrets({ tags: { api: "" } })), { token: "tok" });
  });

  test("push creates an item, then updates its field; delete removes it", async () => {
    const c = await client();
    const source = { name: "s", namespace: "ns", data: { k: Buffer.from("v1") } };
    await c.pushSecret(source, { secretKey: "k", remoteRef: { remoteKey: "pushed", property: "apikey" } });
    const vault = [...fake.vaults.values()].find((v) => v.name === "prod")!;
    const item = vault.items.find((i) => i.title === "pushed")!;
    assert.equal(item.category, "SERVER");
    assert.deepEqual(
      item.fields.map((f) => [f.label, f.value]),
      [["apikey", "v1"]],
    );
    await c.pushSecret(
      { ...source, data: { k: Buffer.from("v2") } },
      { secretKey: "k", remoteRef: { remoteKey: "pushed", property: "apikey" } },
    );
    assert.equal((await c.getSecret({ key: "pushed", property: "apikey" })).toString(), "v2");
    assert.equal(await c.secretExists({ remoteKey: "pushed", property: "apikey" }), true);
    await c.deleteSecret({ remoteKey: "pushed", property: "apikey" });
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), false);
  });

  test("not found and ambiguous items", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "nope" }),
      (e: Error) => e instanceof NoSecretError && /"nope"/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "db", property: "missing" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "dup" }), StoreConfigError);
    const missingVault = await client({ nope: 1 });
    assert.equal((await missingVault.validate()).ready, false);
  });

  test("auth failure, throttling, server errors", async () => {
    kube.setSecret("ns", "op", { token: "wrong-token" });
    const bad = await client();
    await assert.rejects(
      bad.getSecret({ key: "db" }),
      (e: Error) => e instanceof ProviderAuthError && !e.message.includes("wrong-token"),
    );
    kube.setSecret("ns", "op", { token: fake.token });
    const c = await client();
    await c.validate();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "db" }), (e: Error) => /HTTP 500/.test(e.message));
  });

  test("spec validation", () => {
    const errs = onePasswordProvider.validate(
      { auth: { secretRef: { connectTokenSecretRef: { name: "x" } } }, vaults: {} } as any,
      "SecretStore",
    ).errors;
    assert.ok(errs.some((e) => e.includes("connectHost")));
    assert.ok(errs.some((e) => e.includes("vaults")));
    assert.ok(errs.some((e) => e.includes("connectTokenSecretRef.key")));
  });
});
