import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { dopplerProvider } from "../../src/providers/doppler/index.js";
import {
  NoSecretError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type DopplerFake, startDopplerFake } from "../fakes/doppler-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const TOKEN = "dp.st.test-token";

describe("doppler provider", () => {
  let fake: DopplerFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  const spec = { auth: { secretRef: { dopplerToken: { name: "doppler", key: "token" } } } };

  before(async () => {
    fake = await startDopplerFake();
    process.env.DOPPLER_API_HOST = fake.url;
  });
  after(async () => {
    delete process.env.DOPPLER_API_HOST;
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.tokens.clear();
    fake.tokens.set(TOKEN, { project: "app", config: "prd" });
    fake.configs.set("app/prd", {
      DB_PASSWORD: "s3cret",
      API_KEY: "k-123",
      JSON_BLOB: '{"user":"admin","nested":{"port":5432}}',
    });
    kube = new MemoryKubeAccess().setSecret("team", "doppler", { token: TOKEN });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "doppler", namespace: "team" };
  });

  async function client(extra: Record<string, unknown> = {}): Promise<SecretsClient> {
    return dopplerProvider.newClient({ ...spec, ...extra } as any, ctx);
  }

  test("reads a secret with a service token and a property with gjson", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "DB_PASSWORD" })).toString(), "s3cret");
    assert.equal((await c.getSecret({ key: "JSON_BLOB", property: "nested.port" })).toString(), "5432");
    assert.deepEqual(
      Object.fromEntries(Object.entries(await c.getSecretMap({ key: "JSON_BLOB" })).map(([k, v]) => [k, String(v)])),
      { user: "admin", nested: '{"port":5432}' },
    );
    assert.deepEqual(await c.validate(), { ready: true });
  });

  test("find by name regexp with a name transformer", async () => {
    const c = await client({ nameTransformer: "camel" });
    const all = await c.getAllSecrets({ name: { regexp: "^(db|api)" } });
    assert.deepEqual(Object.keys(all).sort(), ["apiKey", "dbPassword"]);
    assert.equal(all.dbPassword!.toString(), "s3cret");
  });

  test("format downloads the whole config as a file", async () => {
    const c = await client({ format: "env" });
    const all = await c.getAllSecrets({ name: { regexp: ".*" } });
    assert.match(all.DOPPLER_SECRETS_FILE!.toString(), /^DB_PASSWORD="s3cret"$/m);
  });

  test("personal token with project and config", async () => {
    fake.tokens.set("dp.pt.personal", null);
    kube.setSecret("team", "doppler", { token: "dp.pt.personal" });
    const c = await client({ project: "app", config: "prd" });
    assert.equal((await c.getSecret({ key: "API_KEY" })).toString(), "k-123");
  });

  test("OIDC auth exchanges a ServiceAccount token for a Doppler token", async () => {
    kube.setServiceAccount("team", "eso");
    fake.oidc = (identity, token) => {
      const claims = kube.verifyToken(token);
      if (identity !== "ident-1" || claims?.sub !== "system:serviceaccount:team:eso") return undefined;
      fake.tokens.set("dp.oidc.issued", { project: "app", config: "prd" });
      return "dp.oidc.issued";
    };
    const oidc = { auth: { oidcConfig: { identity: "ident-1", serviceAccountRef: { name: "eso" } } } };
    const c = await dopplerProvider.newClient(oidc as any, ctx);
    assert.equal((await c.getSecret({ key: "API_KEY" })).toString(), "k-123");
    assert.deepEqual(kube.issued[0]!.audiences, [fake.url]);
    const bad = { auth: { oidcConfig: { identity: "other", serviceAccountRef: { name: "eso" } } } };
    await assert.rejects(dopplerProvider.newClient(bad as any, ctx), ProviderAuthError);
  });

  test("push, exists and delete", async () => {
    const c = await client();
    const source = { name: "src", namespace: "team", data: { pw: Buffer.from("pushed") } };
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "NEW_SECRET" } });
    assert.equal(fake.configs.get("app/prd")!.NEW_SECRET, "pushed");
    assert.equal(await c.secretExists({ remoteKey: "NEW_SECRET" }), true);
    await c.deleteSecret({ remoteKey: "NEW_SECRET" });
    assert.equal(await c.secretExists({ remoteKey: "NEW_SECRET" }), false);
    await c.deleteSecret({ remoteKey: "NEW_SECRET" });
  });

  test("not found maps to NoSecretError naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "MISSING" }),
      (e: Error) => e instanceof NoSecretError && /MISSING/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "JSON_BLOB", property: "nope" }), NoSecretError);
  });

  test("bad token maps to ProviderAuthError; validate reports it", async () => {
    kube.setSecret("team", "doppler", { token: "wrong" });
    const c = await client();
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), ProviderAuthError);
    const v = await c.validate();
    assert.equal(v.ready, false);
    assert.doesNotMatch(v.message ?? "", /wrong/);
  });

  test("throttling and server errors", async () => {
    const c = await client();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), (e: Error) => /HTTP 503/.test(e.message));
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "DB_PASSWORD" }), ProviderAuthError);
  });

  test("missing token Secret is a config error; spec validation names fields", async () => {
    await assert.rejects(
      dopplerProvider.newClient({ auth: { secretRef: { dopplerToken: { name: "nope", key: "token" } } } } as any, ctx),
      StoreConfigError,
    );
    const errs = dopplerProvider.validate(
      { auth: { secretRef: { dopplerToken: { name: "x" } } } } as any,
      "ClusterSecretStore",
    ).errors;
    assert.ok(errs.some((e) => e.includes("dopplerToken.namespace")));
    // As upstream, the key is optional (it defaults to dopplerToken).
    assert.ok(!errs.some((e) => e.includes("dopplerToken.key")));
  });

  test("a dopplerToken reference without a key reads the key dopplerToken", async () => {
    kube.setSecret("team", "doppler-default", { dopplerToken: TOKEN });
    const c = await dopplerProvider.newClient(
      { auth: { secretRef: { dopplerToken: { name: "doppler-default" } } } } as any,
      ctx,
    );
    assert.equal((await c.getSecret({ key: "DB_PASSWORD" })).toString(), "s3cret");
  });

  test("spec.host points the store at another API endpoint and wins over DOPPLER_API_HOST", async () => {
    const saved = process.env.DOPPLER_API_HOST;
    process.env.DOPPLER_API_HOST = "http://127.0.0.1:9"; // nothing listens there
    try {
      await assert.rejects((await client()).getSecret({ key: "DB_PASSWORD" }), /request failed/);
      const c = await client({ host: `${fake.url}/` });
      assert.equal((await c.getSecret({ key: "DB_PASSWORD" })).toString(), "s3cret");
    } finally {
      process.env.DOPPLER_API_HOST = saved;
    }
  });

  test("spec.host must be an http(s) URL", () => {
    const auth = { secretRef: { dopplerToken: { name: "x" } } };
    const errsFor = (host: string) => dopplerProvider.validate({ auth, host } as any, "SecretStore").errors;
    assert.deepEqual(errsFor("https://doppler.internal.example.com"), []);
    assert.match(errsFor("doppler.internal").join(), /spec\.provider\.doppler\.host: is not a URL/);
    assert.match(errsFor("ftp://doppler.internal").join(), /spec\.provider\.doppler\.host: must be an http\(s\) URL/);
  });
});
