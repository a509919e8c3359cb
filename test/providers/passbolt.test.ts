import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { PassboltProvider } from "../../src/api/providers/passbolt.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { passboltProvider } from "../../src/providers/passbolt/index.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { FakePassbolt } from "../fakes/passbolt-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("passbolt provider", () => {
  let fake: FakePassbolt;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let dbId: string;
  let legacyId: string;

  before(async () => {
    fake = await new FakePassbolt().start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.resources.clear();
    fake.logins = 0;
    fake.logouts = 0;
    dbId = fake.addResource({
      name: "prod-db",
      username: "admin",
      uri: "postgres://db",
      description: "",
      slug: "password-and-description",
      secret: JSON.stringify({ password: "db-<s3cret>", description: "main database" }),
    });
    legacyId = fake.addResource({
      name: "legacy-ftp",
      username: "ftp",
      uri: "ftp://files",
      description: "old box",
      slug: "password-string",
      secret: "ftp-pa55",
    });
    kube = new MemoryKubeAccess().setSecret("ns", "pb", { password: fake.passphrase, key: fake.userPrivateKey });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "pb", namespace: "ns" };
  });

  const spec = (extra: Partial<PassboltProvider> = {}) =>
    ({
      host: fake.host,
      auth: { passwordSecretRef: { name: "pb", key: "password" }, privateKeySecretRef: { name: "pb", key: "key" } },
      caBundle: Buffer.from(fake.caPem).toString("base64"),
      ...extra,
    }) as PassboltProvider;

  test("store readiness: GPGAuth login with the user's key; logout on close", async () => {
    const c = await passboltProvider.newClient(spec(), ctx);
    assert.deepEqual(await c.validate(), { ready: true });
    assert.equal(fake.logins, 1);
    assert.deepEqual(fake.requests.slice(0, 3), [
      "POST /auth/login.json",
      "POST /auth/login.json",
      "GET /users/me.json",
    ]);
    await c.close();
    assert.equal(fake.logouts, 1);
  });

  test("a key the server does not know is not ready; a wrong passphrase is a config error", async () => {
    const other = await (await import("openpgp")).generateKey({ userIDs: [{ name: "x" }], format: "armored" });
    kube.setSecret("ns", "pb", { password: "", key: other.privateKey });
    const c = await passboltProvider.newClient(spec(), ctx);
    const v = await c.validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /passbolt: login: the server knows no user for this key/);
    kube.setSecret("ns", "pb", { password: "wrong", key: fake.userPrivateKey });
    await assert.rejects(passboltProvider.newClient(spec(), ctx), (e: Error) => {
      assert.ok(e instanceof StoreConfigError);
      assert.match(e.message, /passwordSecretRef: does not unlock the private key/);
      return true;
    });
  });

  test("validate(spec) names each bad field", () => {
    const r = passboltProvider.validate(
      {
        host: "http://passbolt.local",
        auth: { passwordSecretRef: { name: "pb" }, privateKeySecretRef: { name: "pb", key: "k" } },
      } as any,
      "ClusterSecretStore",
    );
    assert.deepEqual(r.errors, [
      "spec.provider.passbolt.auth.passwordSecretRef: name and key are required",
      "spec.provider.passbolt.auth.privateKeySecretRef.namespace: is required for a ClusterSecretStore",
      "spec.provider.passbolt.host: host Url has to be https scheme",
    ]);
    assert.deepEqual(passboltProvider.validate({ host: "" } as any, "SecretStore").errors, [
      "spec.provider.passbolt.auth: is required",
      "spec.provider.passbolt.host: is required",
    ]);
    assert.deepEqual(passboltProvider.validate(spec(), "SecretStore").errors, []);
  });

  test("getSecret: the resource as JSON (Go field order, no HTML escaping) or one property", async () => {
    const c = await passboltProvider.newClient(spec(), ctx);
    assert.equal(
      (await c.getSecret({ key: dbId })).toString(),
      '{"name":"prod-db","username":"admin","password":"db-<s3cret>","uri":"postgres://db","description":"main database"}',
    );
    assert.equal((await c.getSecret({ key: dbId, property: "password" })).toString(), "db-<s3cret>");
    assert.equal((await c.getSecret({ key: legacyId, property: "password" })).toString(), "ftp-pa55");
    assert.equal((await c.getSecret({ key: legacyId, property: "description" })).toString(), "old box");
    await assert.rejects(c.getSecret({ key: dbId, property: "totp" }), /property must be one of name, username/);
    assert.equal(fake.logins, 1, "one login serves every read of the client");
  });

  test("getAllSecrets: by a regexp on the decrypted name, keyed by resource id; the regexp is required", async () => {
    const c = await passboltProvider.newClient(spec(), ctx);
    const all = str(await c.getAllSecrets({ name: { regexp: "^legacy" } }));
    assert.deepEqual(Object.keys(all), [legacyId]);
    assert.equal(JSON.parse(all[legacyId]!).password, "ftp-pa55");
    assert.equal(Object.keys(await c.getAllSecrets({ name: { regexp: "." } })).length, 2);
    await assert.rejects(c.getAllSecrets({ tags: { a: "b" } }), /missing: find.name.regexp/);
  });

  test("read-only: maps, push, delete and exists are not implemented", async () => {
    const c = await passboltProvider.newClient(spec(), ctx);
    assert.equal(passboltProvider.capabilities(spec()), "ReadOnly");
    await assert.rejects(c.getSecretMap({ key: dbId }), NotSupportedError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "x" } }),
      NotSupportedError,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
  });

  test("an unsupported resource type is refused by name", async () => {
    const id = fake.addResource({
      name: "v5",
      username: "",
      uri: "",
      description: "",
      slug: "v5-default",
      secret: "{}",
    });
    const c = await passboltProvider.newClient(spec(), ctx);
    await assert.rejects(c.getSecret({ key: id }), /Unknown ResourceType: v5-default/);
  });

  test("failures: not found, 401, 429 and 5xx map to their errors", async () => {
    const c = await passboltProvider.newClient(spec(), ctx);
    assert.equal((await c.validate()).ready, true);
    await assert.rejects(c.getSecret({ key: "00000000-0000-4000-8000-000000000000" }), (e: Error) => {
      assert.ok(e instanceof NoSecretError);
      assert.match(e.message, /resource "00000000-0000-4000-8000-000000000000"/);
      return true;
    });
    fake.faults.push(401);
    await assert.rejects(c.getSecret({ key: dbId }), ProviderAuthError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: dbId }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: dbId }), /HTTP 500/);
  });

  test("TLS: without the CA bundle the server is not trusted", async () => {
    const c = await passboltProvider.newClient(spec({ caBundle: undefined }), ctx);
    const v = await c.validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /login: request failed/);
  });

  test("no secret value, passphrase or key appears in any error", async () => {
    const messages: string[] = [];
    const c = await passboltProvider.newClient(spec(), ctx);
    await c.validate();
    for (const f of [401, 403, 429, 500, 404]) {
      fake.faults.push(f);
      await c.getSecret({ key: dbId }).catch((e: Error) => messages.push(e.message));
    }
    kube.setSecret("ns", "pb", { password: "wrong-passphrase", key: fake.userPrivateKey });
    await passboltProvider.newClient(spec(), ctx).catch((e: Error) => messages.push(e.message));
    assert.equal(messages.length, 6);
    for (const m of messages) {
      for (const s of [
        "db-<s3cret>",
        "ftp-pa55",
        fake.passphrase,
        "wrong-passphrase",
        "PRIVATE KEY",
        "passbolt_session=",
      ]) {
        assert.ok(!m.includes(s), `"${m}" leaks`);
      }
    }
  });

  test("tenancy: a SecretStore may not read the key from another namespace", async () => {
    kube.setSecret("other", "pb", { password: fake.passphrase, key: fake.userPrivateKey });
    await assert.rejects(
      passboltProvider.newClient(
        spec({
          auth: {
            passwordSecretRef: { name: "pb", key: "password", namespace: "other" },
            privateKeySecretRef: { name: "pb", key: "key", namespace: "other" },
          },
        }),
        ctx,
      ),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
  });
});
