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
import { onboardbaseProvider } from "../../src/providers/onboardbase/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type OnboardbaseFake, startOnboardbaseFake } from "../fakes/onboardbase-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const API_KEY = "obb-api-key-1";
const PASSCODE = "obb-passcode-1";
const VALUES = ["s3cret-db-pw", "k-987-onboard"];
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("onboardbase provider", () => {
  let fake: OnboardbaseFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startOnboardbaseFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.apiKeys.clear();
    fake.apiKeys.set(API_KEY, PASSCODE);
    fake.environments.set("shop/production", {
      DB_PASSWORD: VALUES[0]!,
      API_KEY: VALUES[1]!,
      CONFIG: '{"user":"admin","port":5432,"nested":{"a":"b"}}',
      DB_HOST: "db.internal",
    });
    kube = new MemoryKubeAccess().setSecret("team", "obb", { apiKey: API_KEY, passcode: PASSCODE });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "obb", namespace: "team" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      apiHost: fake.url,
      project: "shop",
      environment: "production",
      auth: { apiKeyRef: { name: "obb", key: "apiKey" }, passcodeRef: { name: "obb", key: "passcode" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    onboardbaseProvider.newClient(spec(extra), ctx);

  test("store readiness: ready with a good API key, not ready naming the cause with a bad one", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("team", "obb", { apiKey: "revoked", passcode: PASSCODE });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /authenticate: authentication failed \(HTTP 401\)/);
    assert.ok(fake.requests.some((x) => x.startsWith("GET /api/v1/team/members")));
  });

  test("validate(spec) names each bad field", () => {
    const v = onboardbaseProvider.validate(
      { apiHost: "::nope", project: "p", environment: "e", auth: { apiKeyRef: { key: "k" }, passcodeRef: {} } } as any,
      "ClusterSecretStore",
    );
    assert.deepEqual(v.errors, [
      "spec.provider.onboardbase.auth.apiKeyRef.name: is required",
      "spec.provider.onboardbase.auth.apiKeyRef.namespace: is required for a ClusterSecretStore",
      "spec.provider.onboardbase.auth.passcodeRef.name: is required",
      "spec.provider.onboardbase.auth.passcodeRef.key: is required",
      "spec.provider.onboardbase.auth.passcodeRef.namespace: is required for a ClusterSecretStore",
      "spec.provider.onboardbase.apiHost: is not a valid URL",
    ]);
    assert.deepEqual(onboardbaseProvider.validate(spec(), "SecretStore").errors, []);
    assert.match(
      onboardbaseProvider.validate({ project: "p" } as any, "SecretStore").errors[0]!,
      /\.auth: is required/,
    );
  });

  test("reads decrypted values, a property as its raw JSON (as upstream), and the environment as a map", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "DB_PASSWORD" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "CONFIG", property: "port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: "CONFIG", property: "user" })).toString(), '"admin"');
    assert.equal((await c.getSecret({ key: "CONFIG", property: "nested" })).toString(), '{"a":"b"}');
    assert.deepEqual(str(await c.getSecretMap({ key: "CONFIG" })), {
      user: "admin",
      port: "5432",
      nested: '{"a":"b"}',
    });
    assert.ok(fake.requests.includes("GET /api/v1/secrets?project=shop&environment=production"));
  });

  test("find by name regexp and by path prefix; every secret without criteria; tags refused", async () => {
    const c = await client();
    assert.deepEqual(Object.keys(await c.getAllSecrets({ name: { regexp: "^DB_" } })).sort(), [
      "DB_HOST",
      "DB_PASSWORD",
    ]);
    assert.deepEqual(str(await c.getAllSecrets({ path: "API" })), { API_KEY: VALUES[1] });
    assert.equal(Object.keys(await c.getAllSecrets({})).length, 4);
    await assert.rejects(c.getAllSecrets({ tags: { a: "b" } }), NotSupportedError);
  });

  test("writes are refused: the provider is read-only", async () => {
    const c = await client();
    assert.equal(onboardbaseProvider.capabilities(spec()), "ReadOnly");
    await assert.rejects(c.pushSecret({} as any, { remoteRef: { remoteKey: "X" } }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "X" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "X" }), NotSupportedError);
  });

  test("failures: missing key and property, bad API key, wrong passcode, 429 and 5xx", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "ABSENT" }),
      (e: Error) => e instanceof NoSecretError && /ABSENT/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "CONFIG", property: "nope" }), NoSecretError);
    await assert.rejects(
      (await client({ environment: "staging" })).getSecret({ key: "X" }),
      (e: Error) => e instanceof NoSecretError && /staging/.test(e.message),
    );
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), /HTTP 503/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), ProviderAuthError);
    kube.setSecret("team", "obb", { apiKey: API_KEY, passcode: "wrong-passcode" });
    await assert.rejects((await client()).getSecret({ key: "DB_PASSWORD" }), (e: Error) => {
      assert.ok(e instanceof ProviderAuthError);
      assert.match(e.message, /passcode/);
      return true;
    });
  });

  test("no value, key or passcode appears in any error", async () => {
    const errors: string[] = [];
    const c = await client();
    for (const f of [401, 429, 500]) {
      fake.faults.push(f);
      await c.getSecret({ key: "DB_PASSWORD" }).catch((e: Error) => errors.push(e.message));
    }
    await c.getSecret({ key: "CONFIG", property: "zzz" }).catch((e: Error) => errors.push(e.message));
    kube.setSecret("team", "obb", { apiKey: API_KEY, passcode: "wrong" });
    await (await client()).getSecret({ key: "DB_PASSWORD" }).catch((e: Error) => errors.push(e.message));
    assert.equal(errors.length, 5);
    for (const m of errors) for (const s of [...VALUES, API_KEY, PASSCODE, "admin"]) assert.ok(!m.includes(s), m);
  });

  test("tenancy: a SecretStore may not read credentials from another namespace", async () => {
    kube.setSecret("other", "obb", { apiKey: API_KEY, passcode: PASSCODE });
    const other = { name: "obb", namespace: "other" };
    await assert.rejects(
      client({ auth: { apiKeyRef: { ...other, key: "apiKey" }, passcodeRef: { ...other, key: "passcode" } } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
    assert.equal(fake.requests.length, 0, "nothing was sent to the service");
  });
});
