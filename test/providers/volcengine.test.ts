import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { configureTenantPolicy, DEFAULT_TENANT_POLICY } from "../../src/providers/tenant-policy.js";
import { volcengineProvider } from "../../src/providers/volcengine/index.js";
import { ENDPOINT_ENV } from "../../src/providers/volcengine/transport.js";
import { startVolcengineFake, type VolcengineFake } from "../fakes/volcengine-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const SK = "volc-secret-access-key-xyz";
const VALUES = ["volc-old-pass", "volc-new-pass", "plain-volc-value"];

describe("volcengine provider", () => {
  let fake: VolcengineFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startVolcengineFake();
    process.env[ENDPOINT_ENV] = fake.url;
  });
  after(async () => {
    delete process.env[ENDPOINT_ENV];
    await fake.close();
  });
  beforeEach(() => {
    fake.keys.clear();
    fake.keys.set("AKLTtest", { secret: SK });
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.secrets = [
      {
        name: "db",
        current: "v2",
        versions: {
          v1: JSON.stringify({ password: VALUES[0] }),
          v2: JSON.stringify({ user: "app", password: VALUES[1], port: 5432, nested: { a: 1 } }),
        },
      },
      { name: "plain", current: "p1", versions: { p1: VALUES[2]! } },
    ];
    kube = new MemoryKubeAccess()
      .setSecret("ns", "volc", { ak: "AKLTtest", sk: SK })
      .setSecret("other", "volc", { ak: "x" });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "volc", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      region: "cn-beijing",
      auth: { secretRef: { accessKeyID: { name: "volc", key: "ak" }, secretAccessKey: { name: "volc", key: "sk" } } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}) => volcengineProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field", () => {
    assert.deepEqual(volcengineProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.deepEqual(volcengineProvider.validate({ region: "cn-beijing" } as any, "SecretStore").errors, []);
    assert.equal(volcengineProvider.capabilities(spec()), "ReadOnly");
    assert.deepEqual(volcengineProvider.validate({ region: "", auth: {} } as any, "SecretStore").errors, [
      "spec.provider.volcengine.region: region is required",
      "spec.provider.volcengine.auth.secretRef: SecretRef is required when using static credentials",
    ]);
    assert.deepEqual(volcengineProvider.validate(spec(), "ClusterSecretStore").errors, [
      "spec.provider.volcengine.auth.secretRef.accessKeyID.namespace: a ClusterSecretStore must set it",
      "spec.provider.volcengine.auth.secretRef.secretAccessKey.namespace: a ClusterSecretStore must set it",
    ]);
  });

  test("signed reads: value, property, version; a wrong secret key is refused by the signature check", async () => {
    const c = await client();
    assert.deepEqual(await c.validate(), { ready: true });
    assert.equal((await c.getSecret({ key: "plain" })).toString(), VALUES[2]);
    assert.equal((await c.getSecret({ key: "db", property: "password" })).toString(), VALUES[1]);
    assert.equal((await c.getSecret({ key: "db", property: "nested" })).toString(), '{"a":1}');
    assert.equal((await c.getSecret({ key: "db", property: "password", version: "v1" })).toString(), VALUES[0]);
    assert.ok(fake.requests.some((r) => r.includes("Action=GetSecretValue") && r.includes("VersionID=v1")));
    kube.setSecret("ns", "volc", { ak: "AKLTtest", sk: "not-the-key" });
    const bad = await client();
    await assert.rejects(bad.getSecret({ key: "plain" }), (e: Error) => {
      assert.ok(e instanceof ProviderAuthError);
      assert.match(e.message, /SignatureDoesNotMatch/);
      assert.ok(!e.message.includes("not-the-key"));
      return true;
    });
  });

  test("an STS token is signed in and checked", async () => {
    fake.keys.set("AKTPsts", { secret: SK, token: "sts-session-token" });
    kube.setSecret("ns", "volc", { ak: "AKTPsts", sk: SK, tok: "sts-session-token" });
    const withToken = spec();
    withToken.auth.secretRef.token = { name: "volc", key: "tok" };
    const c = await volcengineProvider.newClient(withToken, ctx);
    assert.equal((await c.getSecret({ key: "plain" })).toString(), VALUES[2]);
    await assert.rejects((await client()).getSecret({ key: "plain" }), /InvalidSecurityToken/);
  });

  test("getSecretMap keeps each value's JSON text, as upstream", async () => {
    const m = await (await client()).getSecretMap({ key: "db" });
    assert.deepEqual(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()])), {
      user: '"app"',
      password: `"${VALUES[1]}"`,
      port: "5432",
      nested: '{"a":1}',
    });
    await assert.rejects((await client()).getSecretMap({ key: "plain" }), /invalid JSON format/);
  });

  test("secretExists asks DescribeSecret; find, push and delete are not supported", async () => {
    const c = await client();
    assert.equal(await c.secretExists({ remoteKey: "db" }), true);
    assert.equal(await c.secretExists({ remoteKey: "nope" }), false);
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      NotSupportedError,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), NotSupportedError);
  });

  test("failures map to their errors, naming the key and no value", async () => {
    const c = await client();
    const errs: Error[] = [];
    const grab = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected failure"),
        (e: Error) => {
          errs.push(e);
          return e;
        },
      );
    const nf = await grab(c.getSecret({ key: "missing" }));
    assert.ok(nf instanceof NoSecretError);
    assert.match(nf.message, /"missing".*ResourceNotFound/);
    assert.ok((await grab(c.getSecret({ key: "db", property: "nope" }))) instanceof NoSecretError);
    fake.faults.push(429);
    assert.ok((await grab(c.getSecret({ key: "db" }))) instanceof ProviderThrottledError);
    fake.faults.push(500);
    assert.match((await grab(c.getSecret({ key: "db" }))).message, /HTTP 500 \(InternalError\)/);
    for (const e of errs) for (const v of [...VALUES, SK]) assert.ok(!e.message.includes(v), e.message);
  });

  test("tenancy: other namespaces are refused; IRSA only where the policy allows it", async () => {
    const other = spec();
    other.auth.secretRef.accessKeyID.namespace = "other";
    await assert.rejects(volcengineProvider.newClient(other, ctx), StoreConfigError);

    const dir = mkdtempSync(join(tmpdir(), "volc-oidc-"));
    writeFileSync(join(dir, "token"), "oidc-jwt-of-the-controller\n");
    fake.oidc.set("trn:iam::2100:role/eso", "oidc-jwt-of-the-controller");
    process.env.VOLCENGINE_OIDC_TOKEN_FILE = join(dir, "token");
    process.env.VOLCENGINE_OIDC_ROLE_TRN = "trn:iam::2100:role/eso";
    try {
      configureTenantPolicy({ refuseAmbientCredentials: true });
      await assert.rejects(
        volcengineProvider.newClient({ region: "cn-beijing" } as any, ctx),
        (e: Error) => e instanceof StoreConfigError && /IRSA identity is refused/.test(e.message),
      );
      // A ClusterSecretStore gets the controller's role through STS.
      const c = await volcengineProvider.newClient({ region: "cn-beijing" } as any, {
        ...ctx,
        storeKind: "ClusterSecretStore",
      });
      assert.equal((await c.getSecret({ key: "plain" })).toString(), VALUES[2]);
      assert.ok(fake.requests.some((r) => r.includes("Action=AssumeRoleWithOIDC")));
    } finally {
      configureTenantPolicy({ ...DEFAULT_TENANT_POLICY });
      delete process.env.VOLCENGINE_OIDC_TOKEN_FILE;
      delete process.env.VOLCENGINE_OIDC_ROLE_TRN;
    }
  });
});
