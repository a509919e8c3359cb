import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { dvlsProvider } from "../../src/providers/dvls/index.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type DvlsFake, startDvlsFake } from "../fakes/dvls-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const VAULT = "11111111-2222-3333-4444-555555555555";
const PASSWORD = "dvls-db-pw-9";

describe("dvls provider", () => {
  let fake: DvlsFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startDvlsFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.vaults.clear();
    fake.vaults.set(
      VAULT,
      new Map([
        [
          "db",
          {
            id: "db",
            name: "Database",
            type: "Credential",
            subType: "Default",
            data: { username: "sa", password: PASSWORD },
          },
        ],
        [
          "api",
          {
            id: "api",
            name: "Api",
            type: "Credential",
            subType: "ApiKey",
            data: { apiId: "id-1", apiKey: "k-1", tenantId: "" },
          },
        ],
        [
          "conn",
          {
            id: "conn",
            name: "Conn",
            type: "Credential",
            subType: "ConnectionString",
            data: { connectionString: "Server=x" },
          },
        ],
        ["site", { id: "site", name: "Site", type: "Website", subType: "Default", data: {} }],
      ]),
    );
    kube = new MemoryKubeAccess().setSecret("ns", "dvls", { id: fake.appId, secret: fake.appSecret });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "dvls", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      serverUrl: fake.url,
      insecure: true,
      auth: { secretRef: { appId: { name: "dvls", key: "id" }, appSecret: { name: "dvls", key: "secret" } } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    dvlsProvider.newClient(spec(extra), ctx);

  test("store readiness: ready after a login, not ready naming the cause with a wrong secret", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("ns", "dvls", { id: fake.appId, secret: "wrong" });
    const v = await (await client()).validate();
    assert.equal(v.ready, false);
    assert.match(v.message ?? "", /application login: authentication failed \(HTTP 401\)/);
    fake.refuseWithoutStatus = true;
    try {
      const refused = await (await client()).validate();
      assert.equal(refused.ready, false);
      assert.match(refused.message ?? "", /application login: authentication failed \(no token issued\)/);
    } finally {
      fake.refuseWithoutStatus = false;
    }
  });

  test("validate names each bad field, and http needs insecure", () => {
    const errs = (s: any, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      dvlsProvider.validate(s, kind).errors;
    assert.deepEqual(errs({ auth: { secretRef: {} } }), [
      "spec.provider.dvls.serverUrl: is required",
      "spec.provider.dvls.auth.secretRef.appId.name: is required",
      "spec.provider.dvls.auth.secretRef.appId.key: is required",
      "spec.provider.dvls.auth.secretRef.appSecret.name: is required",
      "spec.provider.dvls.auth.secretRef.appSecret.key: is required",
    ]);
    assert.deepEqual(errs({ ...spec(), insecure: false }), [
      "spec.provider.dvls.serverUrl: http URLs require 'insecure: true' to be set explicitly",
    ]);
    assert.deepEqual(errs({ ...spec(), serverUrl: "ftp://x" }), [
      'spec.provider.dvls.serverUrl: scheme must be http or https, got "ftp"',
    ]);
    assert.deepEqual(errs(spec(), "ClusterSecretStore"), [
      "spec.provider.dvls.auth.secretRef.appId.namespace: is required for a ClusterSecretStore",
      "spec.provider.dvls.auth.secretRef.appSecret.namespace: is required for a ClusterSecretStore",
    ]);
    assert.deepEqual(errs(spec()), []);
  });

  test("getSecret: a property, or the whole entry as upstream's JSON of base64 values", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: `${VAULT}/db`, property: "password" })).toString(), PASSWORD);
    const whole = JSON.parse((await c.getSecret({ key: `${VAULT}/db` })).toString());
    assert.deepEqual(Object.keys(whole), ["entry-id", "entry-name", "password", "username"]);
    assert.equal(Buffer.from(whole.password, "base64").toString(), PASSWORD);
    await assert.rejects(
      c.getSecret({ key: `${VAULT}/db`, property: "domain" }),
      /property "domain" not found in entry/,
    );
    await assert.rejects(
      c.getSecret({ key: "no-slash" }),
      (e: Error) => e instanceof StoreConfigError && /<vault-id>\/<entry-id>/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: `${VAULT}/site` }), /unsupported entry type Website\/Default/);
  });

  test("getSecretMap flattens each credential subtype, skipping empty fields; find is not supported", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getSecretMap({ key: `${VAULT}/api` })), {
      "entry-id": "api",
      "entry-name": "Api",
      "api-id": "id-1",
      "api-key": "k-1",
    });
    assert.deepEqual(str(await c.getSecretMap({ key: ` ${VAULT} / conn ` })), {
      "entry-id": "conn",
      "entry-name": "Conn",
      "connection-string": "Server=x",
    });
    await assert.rejects(c.getAllSecrets({ name: { regexp: "." } }), NotSupportedError);
  });

  test("push sets the password of an existing entry, keeping its other fields; exists and delete", async () => {
    const c = await client();
    const source = { name: "src", namespace: "ns", data: { pw: Buffer.from("new-pw"), empty: Buffer.alloc(0) } };
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: `${VAULT}/db` } });
    assert.deepEqual(fake.vaults.get(VAULT)!.get("db")!.data, { username: "sa", password: "new-pw" });
    assert.ok(fake.requests.includes(`PUT /api/v1/vault/${VAULT}/entry/db`));
    await assert.rejects(c.pushSecret(source, { remoteRef: { remoteKey: `${VAULT}/db` } }), /secretKey is required/);
    await assert.rejects(
      c.pushSecret(source, { secretKey: "empty", remoteRef: { remoteKey: `${VAULT}/db` } }),
      /is empty/,
    );
    await assert.rejects(
      c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: `${VAULT}/gone` } }),
      /entry must exist before pushing secrets/,
    );
    await assert.rejects(
      c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: `${VAULT}/api` } }),
      /cannot set secret for credential subtype Credential\/ApiKey/,
    );
    assert.equal(await c.secretExists({ remoteKey: `${VAULT}/db` }), true);
    await c.deleteSecret({ remoteKey: `${VAULT}/db` });
    assert.equal(await c.secretExists({ remoteKey: `${VAULT}/db` }), false);
    await c.deleteSecret({ remoteKey: `${VAULT}/db` });
  });

  test("one login serves many calls; a revoked token is replaced once", async () => {
    const c = await client();
    const before = fake.logins;
    await c.getSecret({ key: `${VAULT}/db`, property: "password" });
    await c.getSecret({ key: `${VAULT}/db`, property: "username" });
    assert.equal(fake.logins - before, 1);
    fake.tokens.clear();
    assert.equal((await c.getSecret({ key: `${VAULT}/db`, property: "password" })).toString(), PASSWORD);
    assert.equal(fake.logins - before, 2);
  });

  test("failures: not found names the entry, 403, 429 and 5xx map to their errors, values never leak", async () => {
    const c = await client();
    await c.validate();
    const leaks = (e: Error) => [PASSWORD, fake.appSecret, ...fake.tokens].some((s) => e.message.includes(s));
    const check = async (p: Promise<unknown>, cls: any, re: RegExp) =>
      assert.rejects(p, (e: Error) => e instanceof cls && re.test(e.message) && !leaks(e));
    await check(
      c.getSecret({ key: `${VAULT}/nope` }),
      NoSecretError,
      /get entry nope in vault .*: not found \(HTTP 404\)/,
    );
    fake.faults.push(403);
    await check(c.getSecret({ key: `${VAULT}/db` }), ProviderAuthError, /authentication failed \(HTTP 403\)/);
    fake.faults.push(429);
    await check(c.getSecret({ key: `${VAULT}/db` }), ProviderThrottledError, /rate limited/);
    fake.faults.push(500);
    await check(c.getSecret({ key: `${VAULT}/db` }), Error, /HTTP 500/);
    kube.setSecret("ns", "dvls", { id: fake.appId, secret: "wrong" });
    await check((await client()).getSecret({ key: `${VAULT}/db` }), ProviderAuthError, /application login/);
  });

  test("tenancy: a SecretStore may not read credentials from another namespace", async () => {
    kube.setSecret("other", "dvls", { id: fake.appId, secret: fake.appSecret });
    const refs = { appId: { name: "dvls", key: "id", namespace: "other" }, appSecret: { name: "dvls", key: "secret" } };
    await assert.rejects(
      client({ auth: { secretRef: refs } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
  });
});
