import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { newOnePasswordSDKProvider, onePasswordSDKProvider } from "../../src/providers/onepasswordSDK/index.js";
import type { Provider, ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { newOnePasswordSdkFake, type OnePasswordSdkFake } from "../fakes/onepassword-sdk-core.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("onepasswordSDK provider", () => {
  let fake: OnePasswordSdkFake;
  let provider: Provider<any>;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  const VAULT_ID = "vaultid0000000000000000001";

  beforeEach(() => {
    fake = newOnePasswordSdkFake();
    provider = newOnePasswordSDKProvider(fake.connect);
    fake.vaults.push({ id: VAULT_ID, title: "prod" }, { id: "vaultid0000000000000000002", title: "other" });
    fake.addItem({
      title: "db",
      vaultId: VAULT_ID,
      fields: [
        { id: "username", title: "username", value: "app" },
        { id: "password", title: "password", value: "hunter2-db", fieldType: "Concealed" },
        { id: "f1", title: "host", value: "db.internal", sectionId: "conn" },
      ],
      sections: [{ id: "conn", title: "connection" }],
      files: [{ name: "ca.pem", content: Buffer.from("-----CERT-----") }],
    });
    fake.addItem({
      title: "tls",
      vaultId: VAULT_ID,
      category: "Document",
      document: { name: "tls.key", content: Buffer.from("KEYDATA") },
    });
    fake.addItem({
      title: "dup-fields",
      vaultId: VAULT_ID,
      fields: [
        { id: "a", title: "token", value: "t1" },
        { id: "b", title: "token", value: "t2" },
      ],
    });
    fake.addItem({
      title: "db",
      vaultId: "vaultid0000000000000000002",
      fields: [{ id: "p", title: "password", value: "other-vault" }],
    });
    kube = new MemoryKubeAccess().setSecret("ns", "op", { token: fake.token });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "op", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({ vault: "prod", auth: { serviceAccountSecretRef: { name: "op", key: "token" } }, ...extra }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> => provider.newClient(spec(extra), ctx);

  test("readiness: a good token and vault give a ready client; a bad token or vault fail naming the cause", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    assert.deepEqual(fake.logins[0], {
      token: "<valid>",
      integrationName: "1Password SDK",
      integrationVersion: "v1.0.0",
    });
    assert.ok(fake.invocations.includes("VaultsList"));
    await assert.rejects(client({ vault: "missing" }), (e: Error) => {
      assert.ok(e instanceof NoSecretError);
      assert.match(e.message, /vault "missing" not found/);
      return true;
    });
    assert.ok(await client({ vault: VAULT_ID }), "the vault may be given by ID");
    kube.setSecret("ns", "op", { token: "ops_wrong" });
    await assert.rejects(client(), (e: Error) => e instanceof ProviderAuthError && /log in/.test(e.message));
    kube.setSecret("ns", "op", { token: "garbage" });
    await assert.rejects(client(), ProviderAuthError);
  });

  test("validate(spec) names each bad field", () => {
    assert.deepEqual(provider.validate({ vault: "", auth: { serviceAccountSecretRef: {} } }, "SecretStore").errors, [
      "spec.provider.onepasswordSDK.auth.serviceAccountSecretRef.name: is required",
      "spec.provider.onepasswordSDK.auth.serviceAccountSecretRef.key: is required",
      "spec.provider.onepasswordSDK.vault: is required",
    ]);
    assert.deepEqual(provider.validate(spec(), "ClusterSecretStore").errors, [
      "spec.provider.onepasswordSDK.auth.serviceAccountSecretRef.namespace: is required for a ClusterSecretStore",
    ]);
    assert.match(provider.validate(spec({ vault: "op://prod" }), "SecretStore").errors[0]!, /without op:\/\//);
    assert.match(provider.validate(spec({ cache: { ttl: "soon" } }), "SecretStore").errors[0]!, /cache.ttl/);
    assert.deepEqual(provider.validate(spec({ cache: {} }), "SecretStore"), { errors: [], warnings: [] });
    assert.equal(onePasswordSDKProvider.name, "onepasswordSDK");
  });

  test("the SDK client is logged in once and shared, with the integration info given", async () => {
    await client({ integrationInfo: { name: "my-integration", version: "v9" } });
    await client({ integrationInfo: { name: "my-integration", version: "v9" } });
    assert.deepEqual(fake.logins, [{ token: "<valid>", integrationName: "my-integration", integrationVersion: "v9" }]);
  });

  test("getSecret resolves op://<vault>/<key>, with sections and files; version is refused", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "db/password" })).toString(), "hunter2-db");
    assert.equal((await c.getSecret({ key: "/db/connection/host" })).toString(), "db.internal");
    assert.equal((await c.getSecret({ key: "db/ca.pem" })).toString(), "-----CERT-----");
    assert.ok(fake.invocations.includes("SecretsResolve op://prod/db/password"));
    await assert.rejects(c.getSecret({ key: "db/password", version: "2" }), NotSupportedError);
  });

  test("getSecretMap: fields by title, files by prefix or Document category, duplicates refused", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: "db" })), {
      username: "app",
      password: "hunter2-db",
      host: "db.internal",
    });
    assert.deepEqual(str(await c.getSecretMap({ key: "db", property: "field/username" })), { username: "app" });
    assert.deepEqual(str(await c.getSecretMap({ key: "db", property: "file/ca.pem" })), { "ca.pem": "-----CERT-----" });
    assert.deepEqual(str(await c.getSecretMap({ key: "tls" })), { "tls.key": "KEYDATA" });
    const item = fake.items.find((i) => i.title === "db" && i.vaultId === VAULT_ID)!;
    assert.ok(
      fake.invocations.includes(`ItemsFilesRead ${VAULT_ID} ${item.id} ca.pem`),
      "files are read from their item",
    );
    await assert.rejects(c.getSecretMap({ key: "dup-fields" }), /found more than 1 fields with title 'token'/);
    await assert.rejects(c.getSecretMap({ key: "db", version: "1" }), NotSupportedError);
  });

  test("find and secretExists are refused as upstream", async () => {
    const c = await client();
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), (e: Error) => {
      assert.ok(e instanceof NotSupportedError);
      assert.match(e.message, /not implemented/);
      return true;
    });
    await assert.rejects(c.secretExists({ remoteKey: "db" }), NotSupportedError);
  });

  test("push creates a Server item, updates the field and tags, and skips an unchanged value", async () => {
    const c = await client();
    const src = { name: "s", namespace: "ns", data: { key: Buffer.from("v1") } };
    const metadata = {
      apiVersion: "kubernetes.external-secrets.io/v1alpha1",
      kind: "PushSecretMetadata",
      spec: { tags: ["eso"] },
    };
    await c.pushSecret(src, { secretKey: "key", remoteRef: { remoteKey: "pushed" }, metadata });
    const created = fake.items.find((i) => i.title === "pushed")!;
    assert.equal(created.category, "Server");
    assert.deepEqual(created.tags, ["eso"]);
    assert.deepEqual(
      created.fields.map((f) => [f.title, f.value, f.fieldType]),
      [["password", "v1", "Concealed"]],
    );
    await c.pushSecret(
      { ...src, data: { key: Buffer.from("v2") } },
      { secretKey: "key", remoteRef: { remoteKey: "pushed", property: "api" } },
    );
    assert.deepEqual(
      created.fields.map((f) => [f.title, f.value]),
      [
        ["password", "v1"],
        ["api", "v2"],
      ],
    );
    fake.invocations.length = 0;
    await c.pushSecret(
      { ...src, data: { key: Buffer.from("v2") } },
      { secretKey: "key", remoteRef: { remoteKey: "pushed", property: "api" } },
    );
    assert.ok(!fake.invocations.some((i) => i.startsWith("ItemsPut")), "an unchanged value is not written");
    await assert.rejects(
      c.pushSecret(src, { secretKey: "key", remoteRef: { remoteKey: "pushed" }, metadata: { spec: { tags: "x" } } }),
      StoreConfigError,
    );
  });

  test("delete removes the pushed field, then the emptied item; a missing item is left alone", async () => {
    const c = await client();
    const src = { name: "s", namespace: "ns", data: { key: Buffer.from("v") } };
    await c.pushSecret(src, { secretKey: "key", remoteRef: { remoteKey: "to-delete" } });
    await c.pushSecret(src, { secretKey: "key", remoteRef: { remoteKey: "to-delete", property: "other" } });
    await c.deleteSecret({ remoteKey: "to-delete" });
    assert.deepEqual(
      fake.items.find((i) => i.title === "to-delete")!.fields.map((f) => f.title),
      ["other"],
    );
    await c.deleteSecret({ remoteKey: "to-delete", property: "other" });
    assert.equal(
      fake.items.find((i) => i.title === "to-delete"),
      undefined,
    );
    await c.deleteSecret({ remoteKey: "to-delete" });
    await c.deleteSecret({ remoteKey: "db", property: "no-such-field" });
    assert.equal(fake.items.find((i) => i.title === "db" && i.vaultId === VAULT_ID)!.fields.length, 3);
  });

  test("cache: reads are served for the TTL and invalidated by a push to the item", async () => {
    const c = await client({ cache: { ttl: "1m", maxSize: 10 } });
    assert.equal((await c.getSecret({ key: "pushme/password" }).catch(() => Buffer.from("none"))).toString(), "none");
    await c.pushSecret(
      { name: "s", namespace: "ns", data: { k: Buffer.from("one") } },
      { secretKey: "k", remoteRef: { remoteKey: "pushme" } },
    );
    assert.equal((await c.getSecret({ key: "pushme/password" })).toString(), "one");
    fake.invocations.length = 0;
    const again = await client({ cache: { ttl: "1m", maxSize: 10 } });
    assert.equal((await again.getSecret({ key: "pushme/password" })).toString(), "one");
    assert.deepEqual(str(await again.getSecretMap({ key: "db" })).password, "hunter2-db");
    const readsBefore = fake.invocations.filter((i) => i.startsWith("Items") || i.startsWith("Secrets")).length;
    await again.getSecretMap({ key: "db" });
    assert.equal(fake.invocations.filter((i) => i.startsWith("Items") || i.startsWith("Secrets")).length, readsBefore);
    assert.ok(!fake.invocations.some((i) => i.startsWith("SecretsResolve")), "the cached read made no call");
    await again.pushSecret(
      { name: "s", namespace: "ns", data: { k: Buffer.from("two") } },
      { secretKey: "k", remoteRef: { remoteKey: "pushme" } },
    );
    assert.equal((await again.getSecret({ key: "pushme/password" })).toString(), "two");
    const uncached = await client();
    fake.invocations.length = 0;
    await uncached.getSecret({ key: "db/password" });
    await uncached.getSecret({ key: "db/password" });
    assert.equal(fake.invocations.filter((i) => i.startsWith("SecretsResolve")).length, 2);
  });

  test("failures: not found, throttling, expired auth, other SDK errors and a hanging core", async () => {
    const c = await client();
    await assert.rejects(c.getSecret({ key: "nope/password" }), (e: Error) => {
      assert.ok(e instanceof NoSecretError);
      assert.match(e.message, /key "nope\/password"/);
      return true;
    });
    await assert.rejects(c.getSecretMap({ key: "nope" }), NoSecretError);
    fake.faults.push({ kind: "RateLimitExceeded" });
    await assert.rejects(c.getSecret({ key: "db/password" }), ProviderThrottledError);
    fake.faults.push({ kind: "AuthExpired" });
    await assert.rejects(c.getSecret({ key: "db/password" }), ProviderAuthError);
    fake.faults.push({ kind: "error", message: "internal server error (500)" });
    await assert.rejects(c.getSecret({ key: "db/password" }), /1Password server error/);
    fake.faults.push({ kind: "error", message: "unexpected state in the core" });
    await assert.rejects(c.getSecret({ key: "db/password" }), /the 1Password SDK call failed/);
    const bounded = await provider.newClient(spec(), { ...ctx, deadline: Date.now() + 300 });
    fake.faults.push({ kind: "hang" });
    await assert.rejects(bounded.getSecret({ key: "db/password" }), /timed out/);
  });

  test("no value or token in any error message", async () => {
    const c = await client();
    const errors: Error[] = [];
    const grab = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => errors.push(e),
      );
    fake.faults.push({ kind: "error", message: `failed near value hunter2-db with token ${fake.token}` });
    await grab(c.getSecret({ key: "db/password" }));
    await grab(c.getSecretMap({ key: "dup-fields" }));
    await grab(
      c.pushSecret(
        { name: "s", namespace: "ns", data: { k: Buffer.from("pushed-value-1") } },
        { secretKey: "k", remoteRef: { remoteKey: "dup-fields", property: "token" } },
      ),
    );
    kube.setSecret("ns", "op", { token: "ops_wrong_token_value" });
    await grab(client());
    for (const e of errors) {
      for (const secret of ["hunter2-db", fake.token, "ops_wrong_token_value", "t1", "pushed-value-1"]) {
        assert.ok(!e.message.includes(secret), `"${e.message}" leaks a value`);
      }
    }
  });

  test("tenancy: a SecretStore may not read the token from another namespace", async () => {
    kube.setSecret("other", "op", { token: fake.token });
    await assert.rejects(
      client({ auth: { serviceAccountSecretRef: { name: "op", key: "token", namespace: "other" } } }),
      StoreConfigError,
    );
    assert.equal(fake.logins.length, 0, "nothing was sent to 1Password");
    const cluster = await provider.newClient(
      spec({ auth: { serviceAccountSecretRef: { name: "op", key: "token", namespace: "other" } } }),
      { ...ctx, storeKind: "ClusterSecretStore", namespace: "app" },
    );
    assert.equal((await cluster.getSecret({ key: "db/password" })).toString(), "hunter2-db");
  });
});
