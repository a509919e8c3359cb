import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { BeyondtrustWorkloadCredentialsProvider } from "../../src/api/providers/beyondtrust.js";
import { beyondtrustWorkloadCredentialsProvider as provider } from "../../src/providers/beyondtrustworkloadcredentials/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { FAKE_SITE_ID, FakeBeyondtrust } from "../fakes/beyondtrust-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const KEY = "btwc-api-key-0123456789";
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("beyondtrustworkloadcredentials provider", () => {
  let fake: FakeBeyondtrust;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await new FakeBeyondtrust().addApiKey(KEY).addApiKey("limited-key", ["team-b"]).start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.statics.clear();
    fake.putStatic(
      "apps/db",
      { username: "admin", password: "db-s3cret", port: 5432, opts: { tls: true } },
      { env: "prod" },
    );
    fake.putStatic("apps/cache", { password: "cache-s3cret" }, { env: "dev" });
    fake.putStatic("apps/sub/queue", { token: "q-t0ken" }, { env: "prod" });
    fake.putStatic("root-secret", { v: "at-root" });
    kube = new MemoryKubeAccess().setSecret("ns", "btwc", { token: KEY });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "btwc", namespace: "ns" };
  });

  const spec = (extra: Partial<BeyondtrustWorkloadCredentialsProvider> = {}) =>
    ({
      auth: { apikey: { token: { name: "btwc", key: "token" } } },
      server: { apiUrl: fake.apiUrl, siteId: FAKE_SITE_ID },
      folderPath: "apps",
      caBundle: Buffer.from(fake.caPem).toString("base64"),
      ...extra,
    }) as BeyondtrustWorkloadCredentialsProvider;

  test("store readiness: GET /session with the key; a wrong key is not ready", async () => {
    const c = await provider.newClient(spec(), ctx);
    assert.deepEqual(await c.validate(), { ready: true });
    const r = fake.requests.at(-1)!;
    assert.equal(r.pathname, `/site/${FAKE_SITE_ID}/secrets/session`);
    assert.equal(r.authorization, `Bearer ${KEY}`);
    assert.equal(r.apiVersion, "2026-04-28");
    kube.setSecret("ns", "btwc", { token: "wrong" });
    const bad = await provider.newClient(spec(), ctx);
    const v = await bad.validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /authentication validation failed: .*check session: authentication failed \(HTTP 401\)/);
  });

  test("validate(spec) names each bad field", () => {
    const r = provider.validate(
      {
        auth: { apikey: { token: { name: "", key: "" } } },
        server: { apiUrl: "http://insecure", siteId: "not-a-uuid" },
      } as any,
      "ClusterSecretStore",
    );
    assert.deepEqual(r.errors, [
      "spec.provider.beyondtrustworkloadcredentials.auth.apikey.token.name: is required",
      "spec.provider.beyondtrustworkloadcredentials.auth.apikey.token.key: is required",
      "spec.provider.beyondtrustworkloadcredentials.auth.apikey.token.namespace: is required for a ClusterSecretStore",
      'spec.provider.beyondtrustworkloadcredentials.server.apiUrl: invalid apiUrl: apiUrl must use https scheme, got "http"',
      "spec.provider.beyondtrustworkloadcredentials.server.siteId: invalid siteId: siteId must be a valid UUID format",
    ]);
    assert.deepEqual(provider.validate(spec(), "SecretStore").errors, []);
  });

  test("getSecret: the whole secret as Go's JSON, or one property (non-strings as JSON)", async () => {
    const c = await provider.newClient(spec(), ctx);
    assert.equal(
      (await c.getSecret({ key: "db" })).toString(),
      '{"opts":{"tls":true},"password":"db-s3cret","port":5432,"username":"admin"}',
    );
    assert.equal((await c.getSecret({ key: "db", property: "password" })).toString(), "db-s3cret");
    assert.equal((await c.getSecret({ key: "db", property: "port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: "db", property: "opts" })).toString(), '{"tls":true}');
    assert.equal(fake.requests.at(-1)!.folder, "apps");
    const root = await provider.newClient(spec({ folderPath: undefined }), ctx);
    assert.equal((await root.getSecret({ key: "root-secret", property: "v" })).toString(), "at-root");
    assert.equal(fake.requests.at(-1)!.folder, null);
  });

  test("getSecretMap: each property a key", async () => {
    const c = await provider.newClient(spec(), ctx);
    assert.deepEqual(str(await c.getSecretMap({ key: "db" })), {
      username: "admin",
      password: "db-s3cret",
      port: "5432",
      opts: '{"tls":true}',
    });
  });

  test("getAllSecrets: every property of matching secrets under the folder, by name and tags", async () => {
    const c = await provider.newClient(spec(), ctx);
    assert.deepEqual(str(await c.getAllSecrets({ tags: { env: "prod" } })), {
      "apps/db/username": "admin",
      "apps/db/password": "db-s3cret",
      "apps/db/port": "5432",
      "apps/db/opts": '{"tls":true}',
      "apps/sub/queue/token": "q-t0ken",
    });
    assert.deepEqual(str(await c.getAllSecrets({ name: { regexp: "^cach" } })), {
      "apps/cache/password": "cache-s3cret",
    });
    assert.deepEqual(str(await c.getAllSecrets({ path: "apps/sub/" })), { "apps/sub/queue/token": "q-t0ken" });
    await assert.rejects(c.getAllSecrets({ name: { regexp: "^nothing$" } }), NoSecretError);
  });

  test("read-only: push, delete and exists are not implemented", async () => {
    const c = await provider.newClient(spec(), ctx);
    assert.equal(provider.capabilities(spec()), "ReadOnly");
    const src = { name: "s", namespace: "ns", data: {} };
    await assert.rejects(c.pushSecret(src, { remoteRef: { remoteKey: "x" } }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
  });

  test("failures: not found names the key; 401/403, 429 and 5xx map to their errors", async () => {
    const c = await provider.newClient(spec(), ctx);
    await assert.rejects(
      c.getSecret({ key: "missing" }),
      (e: Error) => e instanceof NoSecretError && /"apps\/missing"/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "db", property: "nope" }), NoSecretError);
    kube.setSecret("ns", "btwc", { token: "limited-key" });
    const limited = await provider.newClient(spec(), ctx);
    await assert.rejects(limited.getSecret({ key: "db" }), /authentication failed \(HTTP 403\)/);
    fake.faults.push(401);
    await assert.rejects(c.getSecret({ key: "db" }), ProviderAuthError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db" }), ProviderThrottledError);
    fake.faults.push(502);
    await assert.rejects(c.getSecret({ key: "db" }), /HTTP 502/);
  });

  test("TLS: without the store's CA bundle the self-signed server is refused; a garbage bundle is a config error", async () => {
    const c = await provider.newClient(spec({ caBundle: undefined }), ctx);
    assert.equal((await c.validate()).ready, false);
    await assert.rejects(
      provider.newClient(spec({ caBundle: Buffer.from("garbage").toString("base64") }), ctx),
      StoreConfigError,
    );
  });

  test("no secret value or token appears in any error", async () => {
    const messages: string[] = [];
    const c = await provider.newClient(spec(), ctx);
    for (const f of [401, 403, 429, 500, 404]) {
      fake.faults.push({ status: f, body: { error: "e", message: `echo ${KEY} db-s3cret` } });
      await c.getSecret({ key: "db" }).catch((e: Error) => messages.push(e.message));
    }
    assert.equal(messages.length, 5);
    for (const m of messages) assert.ok(!m.includes(KEY) && !m.includes("db-s3cret"), m);
  });

  test("tenancy: a SecretStore may not read the key from another namespace", async () => {
    kube.setSecret("other", "btwc", { token: KEY });
    await assert.rejects(
      provider.newClient(
        spec({ auth: { apikey: { token: { name: "btwc", key: "token", namespace: "other" } } } }),
        ctx,
      ),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
  });
});
