import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { barbicanProvider } from "../../src/providers/barbican/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { type BarbicanFake, startBarbicanFake } from "../fakes/barbican-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const PASSWORD = "pa55-w0rd-keystone";
const APP_SECRET = "app-cred-secret-value";
const VALUES = ["plain-barbican-value", "db-pass-barbican", "tls-body-value"];

describe("barbican provider", () => {
  let fake: BarbicanFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let plainId: string;
  let jsonId: string;

  before(async () => {
    fake = await startBarbicanFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    Object.assign(fake, { users: [{ name: "eso", domain: "Default", password: PASSWORD, project: "demo" }] });
    fake.appCreds = [{ id: "ac-1", secret: APP_SECRET }];
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.secrets.length = 0;
    plainId = fake.addSecret("app-plain", VALUES[0]!).uuid;
    jsonId = fake.addSecret(
      "app-json",
      JSON.stringify({ user: "app", password: VALUES[1], port: 5432, "tls.crt": VALUES[2], nested: { a: 1 } }),
    ).uuid;
    for (let i = 0; i < 120; i++) fake.addSecret(`filler-${i}`, "x");
    fake.addSecret("app-last", "last-one");
    kube = new MemoryKubeAccess()
      .setSecret("ns", "os", { password: PASSWORD, appsecret: APP_SECRET, user: "eso" })
      .setSecret("other", "os", { password: PASSWORD });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "barbican", namespace: "ns" };
  });

  const spec = (auth: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    ({
      authURL: `${fake.url}/v3`,
      tenantName: "demo",
      domainName: "Default",
      region: "RegionOne",
      auth: { username: { value: "eso" }, password: { secretRef: { name: "os", key: "password" } }, ...auth },
      ...extra,
    }) as any;
  const appCredSpec = () =>
    spec({
      authType: "applicationCredential",
      username: undefined,
      password: undefined,
      applicationCredentialID: { value: "ac-1" },
      applicationCredentialSecret: { secretRef: { name: "os", key: "appsecret" } },
    });

  test("validate(spec) names each bad field, as upstream checks them", () => {
    assert.deepEqual(barbicanProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.deepEqual(barbicanProvider.validate(appCredSpec(), "SecretStore"), { errors: [], warnings: [] });
    assert.equal(barbicanProvider.capabilities(spec()), "ReadOnly");
    assert.deepEqual(barbicanProvider.validate({ auth: {} } as any, "SecretStore").errors, [
      "spec.provider.barbican.authURL: authURL is required",
      "spec.provider.barbican.auth.username: username must specify either value or secretRef",
      "spec.provider.barbican.auth.password.secretRef: password secretRef is required",
    ]);
    assert.deepEqual(barbicanProvider.validate(spec({ authType: "applicationCredential" }), "SecretStore").errors, [
      "spec.provider.barbican.auth.applicationCredentialID: applicationCredentialID must specify either value or secretRef",
      "spec.provider.barbican.auth.applicationCredentialSecret.secretRef: applicationCredentialSecret secretRef is required for applicationCredential auth",
    ]);
  });

  test("password and application-credential logins make a ready client; logins are reused", async () => {
    const c = await barbicanProvider.newClient(spec(), ctx);
    assert.deepEqual(await c.validate(), { ready: true });
    assert.equal((await c.getSecret({ key: plainId })).toString(), VALUES[0]);
    await barbicanProvider.newClient(spec(), ctx);
    assert.equal(fake.requests.filter((r) => r === "POST /v3/auth/tokens").length, 1);
    const a = await barbicanProvider.newClient(appCredSpec(), ctx);
    assert.equal((await a.getSecret({ key: plainId })).toString(), VALUES[0]);
    // An unversioned auth URL gets /v3 added.
    const u = await barbicanProvider.newClient(spec({}, { authURL: fake.url }), { ...ctx, caches: new ClientCaches() });
    assert.equal((await u.getSecret({ key: plainId })).toString(), VALUES[0]);
  });

  test("bad credentials or an unknown region fail the client with the cause", async () => {
    kube.setSecret("ns", "os", { password: "wrong" });
    await assert.rejects(barbicanProvider.newClient(spec(), ctx), (e: Error) => {
      assert.ok(e instanceof ProviderAuthError);
      assert.match(e.message, /keystone authentication: authentication failed \(HTTP 401\)/);
      assert.ok(!e.message.includes("wrong"));
      return true;
    });
    kube.setSecret("ns", "os", { password: PASSWORD });
    await assert.rejects(
      barbicanProvider.newClient(spec({}, { region: "Nowhere" }), ctx),
      /no public key-manager endpoint in the catalog for region "Nowhere"/,
    );
  });

  test("getSecret: payload, property (path and literal dotted key); getSecretMap", async () => {
    const c = await barbicanProvider.newClient(spec(), ctx);
    assert.equal((await c.getSecret({ key: jsonId, property: "password" })).toString(), VALUES[1]);
    assert.equal((await c.getSecret({ key: jsonId, property: "tls.crt" })).toString(), VALUES[2]);
    assert.equal((await c.getSecret({ key: jsonId, property: "nested.a" })).toString(), "1");
    assert.equal((await c.getSecret({ key: jsonId, property: "nested" })).toString(), '{"a":1}');
    await assert.rejects(c.getSecret({ key: plainId, property: "x" }), /payload is not valid json/);
    await assert.rejects(c.getSecret({ key: jsonId, property: "nope" }), /property "nope" not found/);
    const m = await c.getSecretMap({ key: jsonId });
    assert.deepEqual(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()])), {
      user: "app",
      password: VALUES[1],
      port: "5432",
      "tls.crt": VALUES[2],
      nested: '{"a":1}',
    });
  });

  test("getAllSecrets: name regexp over every page, keyed by UUID; a find without a name is refused", async () => {
    const c = await barbicanProvider.newClient(spec(), ctx);
    const all = await c.getAllSecrets({ name: { regexp: "^app-" } });
    assert.deepEqual(Object.keys(all).sort(), [plainId, jsonId, fake.secrets.at(-1)!.uuid].sort());
    assert.equal(all[plainId]!.toString(), VALUES[0]);
    assert.ok(fake.requests.some((r) => r.includes("offset=100")));
    await assert.rejects(c.getAllSecrets({}), /missing field name and\/or regexp/);
    await assert.rejects(c.getAllSecrets({ name: { regexp: "^zzz" } }), /no secrets found/);
  });

  test("push, exists and delete are refused with upstream's messages", async () => {
    const c = await barbicanProvider.newClient(spec(), ctx);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      NotSupportedError,
    );
    await assert.rejects(c.secretExists({ remoteKey: "k" }), /read-only/);
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), /delete policy Delete/);
  });

  test("failures: not found, 429 and 5xx map to their errors, naming the key and no value", async () => {
    const c = await barbicanProvider.newClient(spec(), ctx);
    const errs: Error[] = [];
    const grab = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected failure"),
        (e: Error) => {
          errs.push(e);
          return e;
        },
      );
    const nf = await grab(c.getSecret({ key: "0000-missing" }));
    assert.ok(nf instanceof NoSecretError);
    assert.match(nf.message, /"0000-missing"/);
    fake.faults.push(429);
    assert.ok((await grab(c.getSecret({ key: plainId }))) instanceof ProviderThrottledError);
    fake.faults.push(503);
    assert.match((await grab(c.getSecret({ key: plainId }))).message, /HTTP 503/);
    fake.tokens.clear();
    assert.ok((await grab(c.getSecret({ key: plainId }))) instanceof ProviderAuthError);
    // The refused token is forgotten: the next client logs in again and reads.
    const again = await barbicanProvider.newClient(spec(), ctx);
    assert.equal((await again.getSecret({ key: plainId })).toString(), VALUES[0]);
    await grab(c.getSecret({ key: jsonId, property: "nope" }));
    for (const e of errs) for (const v of [...VALUES, PASSWORD]) assert.ok(!e.message.includes(v), e.message);
  });

  test("tenancy: a SecretStore cannot read credentials from another namespace", async () => {
    await assert.rejects(
      barbicanProvider.newClient(
        spec({ password: { secretRef: { name: "os", namespace: "other", key: "password" } } }),
        ctx,
      ),
      (e: Error) => e instanceof StoreConfigError && /may not reference another namespace/.test(e.message),
    );
    assert.deepEqual(
      barbicanProvider.validate(
        spec({ password: { secretRef: { name: "os", namespace: "other", key: "password" } } }),
        "SecretStore",
      ).errors,
      ["spec.provider.barbican.auth.password.secretRef.namespace: a SecretStore may not reference another namespace"],
    );
  });
});
