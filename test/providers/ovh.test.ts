import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { resolveOkmsAuth } from "../../src/providers/ovh/auth/resolve.js";
import { OvhClient } from "../../src/providers/ovh/client.js";
import { ovhProvider } from "../../src/providers/ovh/index.js";
import { OkmsApi } from "../../src/providers/ovh/transport.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type OvhFake, startOvhFake } from "../fakes/ovh-server.js";
import { makeTestPki, type TestPki } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const DB = { user: "admin", password: "s3cr3t-ovh", port: 5432, nested: { a: "b" } };

describe("ovh provider", () => {
  let fake: OvhFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startOvhFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.secrets.clear();
    fake.secrets.set("app/db", { versions: [{ password: "old-pw" }, DB] });
    fake.secrets.set("app/cache/redis", { versions: [{ url: "redis://x" }] });
    fake.secrets.set("top", { versions: [{ k: "v" }] });
    kube = new MemoryKubeAccess().setSecret("ns", "okms", { token: fake.token });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ovh", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      server: fake.url,
      okmsid: fake.okmsId,
      auth: { token: { tokenSecretRef: { name: "okms", key: "token" } } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    ovhProvider.newClient(spec(extra), ctx);

  test("store readiness: ready with the token, not ready naming the cause with a wrong one", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    assert.ok(fake.requests.some((r) => r.startsWith(`GET /api/${fake.okmsId}/v2/secret`)));
    kube.setSecret("ns", "okms", { token: "wrong" });
    const v = await (await client()).validate();
    assert.equal(v.ready, false);
    assert.match(v.message ?? "", /list secrets: authentication failed \(HTTP 401\)/);
  });

  test("validate names each bad field", () => {
    const errs = (s: any, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      ovhProvider.validate(s, kind).errors;
    assert.deepEqual(errs({ auth: {} }), [
      "spec.provider.ovh.server: is required",
      "spec.provider.ovh.okmsid: is required",
      "spec.provider.ovh.auth: missing authentication method (mtls | token)",
    ]);
    const both = {
      server: "https://x",
      okmsid: "i",
      auth: { token: { tokenSecretRef: { name: "a", key: "b" } }, mtls: {} },
    };
    assert.deepEqual(errs(both), ["spec.provider.ovh.auth: only one authentication method allowed (mtls | token)"]);
    const mtls = { server: "https://x", okmsid: "i", auth: { mtls: { certSecretRef: { name: "c", key: "k" } } } };
    assert.deepEqual(errs(mtls, "ClusterSecretStore"), ["spec.provider.ovh.auth.mtls: missing tls certificate or key"]);
    assert.deepEqual(
      errs({ server: "::", okmsid: "i", auth: { token: { tokenSecretRef: { name: "a", key: "b" } } } }),
      ["spec.provider.ovh.server: is not a valid URL"],
    );
    assert.deepEqual(errs(spec()), []);
  });

  test("an okmsid that is not a UUID fails the client, braced and undashed forms are accepted", async () => {
    await assert.rejects(
      client({ okmsid: "not-a-uuid" }),
      (e: Error) => e instanceof StoreConfigError && /okmsid/.test(e.message),
    );
    const undashed = fake.okmsId.replaceAll("-", "").toUpperCase();
    assert.deepEqual(await (await client({ okmsid: `{${undashed}}` })).validate(), { ready: true });
  });

  test("getSecret: the whole data as Go JSON, a property by gjson path, and an older version", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: "app/db" })).toString(),
      '{"nested":{"a":"b"},"password":"s3cr3t-ovh","port":5432,"user":"admin"}',
    );
    assert.equal((await c.getSecret({ key: "app/db", property: "password" })).toString(), "s3cr3t-ovh");
    assert.equal((await c.getSecret({ key: "app/db", property: "nested.a" })).toString(), "b");
    assert.equal((await c.getSecret({ key: "app/db", property: "password", version: "1" })).toString(), "old-pw");
    assert.ok(fake.requests.includes("GET /api/" + fake.okmsId + "/v2/secret/app/db?version=1&includeData=true"));
    await assert.rejects(c.getSecret({ key: "app/db", version: "v1" }), /invalid secret version "v1"/);
    await assert.rejects(c.getSecret({ key: "app/db", property: "missing" }), /secret property "missing" not found/);
    await assert.rejects(c.getSecret({ key: "app/db", metadataPolicy: "Fetch" }), NotSupportedError);
  });

  test("getSecretMap: top-level keys, numbers as text and objects as JSON; a property's object", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: "app/db" })), {
      user: "admin",
      password: "s3cr3t-ovh",
      port: "5432",
      nested: '{"a":"b"}',
    });
    assert.deepEqual(str(await c.getSecretMap({ key: "app/db", property: "nested" })), { a: "b" });
  });

  test("getAllSecrets walks folders from the root or a path and filters by name", async () => {
    const c = await client();
    assert.deepEqual(Object.keys(await c.getAllSecrets({})).sort(), ["app/cache/redis", "app/db", "top"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ path: "app/" })).sort(), ["app/cache/redis", "app/db"]);
    const byName = await c.getAllSecrets({ path: "app", name: { regexp: "redis$" } });
    assert.deepEqual(str(byName), { "app/cache/redis": '{"url":"redis://x"}' });
    await assert.rejects(c.getAllSecrets({ name: { regexp: "^nothing" } }), /did not match any secret/);
    // An empty find is an error, not "not found": it must not drive deletionPolicy.
    await assert.rejects(
      c.getAllSecrets({ path: "nowhere" }),
      (e: Error) => !(e instanceof NoSecretError) && /no secrets under path "nowhere"/.test(e.message),
    );
  });

  test("push creates, then updates with cas when required, and skips equal data", async () => {
    const c = await client({ casRequired: true });
    const source = { name: "src", namespace: "ns", data: { pw: Buffer.from("p1"), conf: Buffer.from('{"x":1}') } };
    await c.pushSecret(source, { remoteRef: { remoteKey: "pushed" } });
    assert.deepEqual(fake.secrets.get("pushed")!.versions, [{ pw: "p1", conf: { x: 1 } }]);
    await c.pushSecret(source, { remoteRef: { remoteKey: "pushed" } });
    assert.equal(fake.secrets.get("pushed")!.versions.length, 1, "equal data is not written again");
    await c.pushSecret(
      { ...source, data: { pw: Buffer.from("p2") } },
      { secretKey: "pw", remoteRef: { remoteKey: "pushed", property: "creds" } },
    );
    assert.deepEqual(fake.secrets.get("pushed")!.versions[1], { creds: { pw: "p2" } });
    assert.ok(fake.requests.includes("PUT /api/" + fake.okmsId + "/v2/secret/pushed?cas=1"));
    await assert.rejects(
      c.pushSecret({ ...source, data: {} }, { remoteRef: { remoteKey: "x" } }),
      /provided secret is empty/,
    );
    await assert.rejects(
      c.pushSecret(source, { secretKey: "nope", remoteRef: { remoteKey: "x" } }),
      /"nope" not found/,
    );
  });

  test("exists and delete; deleting a missing secret succeeds", async () => {
    const c = await client();
    assert.equal(await c.secretExists({ remoteKey: "top" }), true);
    await c.deleteSecret({ remoteKey: "top" });
    assert.equal(fake.secrets.has("top"), false);
    assert.equal(await c.secretExists({ remoteKey: "top" }), false);
    await c.deleteSecret({ remoteKey: "top" });
  });

  test("failures: not found names the key, 401/403, 429 and 5xx map to their errors, values never leak", async () => {
    const c = await client();
    const leaks = (e: Error) => [DB.password, fake.token, "old-pw"].some((s) => e.message.includes(s));
    const check = async (p: Promise<unknown>, cls: any, re: RegExp) =>
      assert.rejects(p, (e: Error) => e instanceof cls && re.test(e.message) && !leaks(e));
    await check(
      c.getSecret({ key: "missing" }),
      NoSecretError,
      /get secret "missing": not found \(HTTP 404\): error_code 17125377/,
    );
    fake.faults.push(403);
    await check(c.getSecret({ key: "app/db" }), ProviderAuthError, /authentication failed \(HTTP 403\)/);
    fake.faults.push(429);
    await check(c.getSecret({ key: "app/db" }), ProviderThrottledError, /rate limited/);
    fake.faults.push(503);
    await check(c.getSecret({ key: "app/db" }), Error, /get secret "app\/db": HTTP 503/);
    fake.faults.push({ hang: true });
    await check((await client({ okmsTimeout: 1 })).getSecret({ key: "app/db" }), Error, /timed out/);
  });

  test("tenancy: a SecretStore may not read a token from another namespace", async () => {
    kube.setSecret("other", "okms", { token: fake.token });
    await assert.rejects(
      client({ auth: { token: { tokenSecretRef: { name: "okms", key: "token", namespace: "other" } } } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
  });

  describe("mTLS", () => {
    let pki: TestPki;
    let tlsFake: OvhFake;
    before(async () => {
      pki = makeTestPki();
      tlsFake = await startOvhFake({ mtls: pki });
      tlsFake.secrets.set("s", { versions: [{ k: "via-mtls" }] });
    });
    after(() => tlsFake.close());

    const mtlsClient = async (certPem: string, keyPem: string) => {
      kube.setSecret("ns", "cert", { crt: certPem, key: keyPem });
      const auth = await resolveOkmsAuth(ctx, {
        mtls: { certSecretRef: { name: "cert", key: "crt" }, keySecretRef: { name: "cert", key: "key" } },
      });
      // The spec has no CA field (as upstream): the test CA is handed to the transport directly.
      const api = new OkmsApi({ server: tlsFake.url, okmsId: tlsFake.okmsId, auth, timeoutMs: 5000, ca: pki.caPem });
      return new OvhClient(api, false, () => auth.agent?.destroy());
    };

    test("a client certificate from the test CA is accepted, a foreign one is refused", async () => {
      const c = await mtlsClient(pki.clientCertPem, pki.clientKeyPem);
      assert.equal((await c.getSecret({ key: "s", property: "k" })).toString(), "via-mtls");
      await c.close();
      const other = makeTestPki();
      const foreign = await mtlsClient(other.clientCertPem, other.clientKeyPem);
      assert.equal((await foreign.validate()).ready, false);
      await foreign.close();
    });

    test("a key that does not belong to the certificate is a StoreConfigError quoting neither", async () => {
      const other = makeTestPki();
      await assert.rejects(
        mtlsClient(pki.clientCertPem, other.clientKeyPem),
        (e: Error) =>
          e instanceof StoreConfigError && /does not match/.test(e.message) && !e.message.includes("PRIVATE"),
      );
    });
  });
});
