import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { delineaProvider } from "../../src/providers/delinea/index.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type DelineaFake, startDelineaFake } from "../fakes/delinea-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const CLIENT_SECRET = "dsv-client-secret-value";
const VALUES = ["s3cr3t-db-password", "api-token-value"];

describe("delinea (DevOps Secrets Vault) provider", () => {
  let fake: DelineaFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startDelineaFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.clients.clear();
    fake.issued.length = 0;
    fake.live.clear();
    fake.clients.set("client-1", CLIENT_SECRET);
    fake.secrets.clear();
    fake.secrets.set("app/db", {
      data: {
        password: VALUES[0],
        port: 5432,
        ratio: 1.5,
        tls: true,
        hosts: ["a", "b"],
        nested: { k: "<v>" },
        none: null,
      },
    });
    fake.secrets.set("app/api", { data: { token: VALUES[1] } });
    fake.secrets.set("app/empty", { data: null });
    kube = new MemoryKubeAccess().setSecret("ns", "dsv", { id: "client-1", secret: CLIENT_SECRET });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "dsv", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      tenant: "acme",
      urlTemplate: fake.urlTemplate,
      clientId: { value: "client-1" },
      clientSecret: { secretRef: { name: "dsv", key: "secret" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    delineaProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field", () => {
    assert.deepEqual(delineaProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    const bad = delineaProvider.validate(
      { tenant: "", clientSecret: { value: "x", secretRef: { name: "s", key: "k" } }, urlTemplate: "%s%s%s%s" } as any,
      "SecretStore",
    );
    assert.deepEqual(bad.errors, [
      "spec.provider.delinea.tenant: tenant must not be empty",
      "spec.provider.delinea.clientId: clientID must be set",
      "spec.provider.delinea.clientSecret: cannot specify both secret reference and value",
      "spec.provider.delinea.urlTemplate: does not make a valid URL",
    ]);
    const noKey = delineaProvider.validate(spec({ clientId: { secretRef: { name: "dsv" } } }), "SecretStore");
    assert.deepEqual(noKey.errors, ["spec.provider.delinea.clientId.secretRef.key: must specify a secret key"]);
    assert.equal(delineaProvider.capabilities(spec()), "ReadOnly");
  });

  test("store readiness: ready with the client credentials, not ready naming the cause without", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("ns", "dsv", { id: "client-1", secret: "wrong" });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /client credentials login: authentication failed/);
  });

  test("reads the secret's data as JSON, a gjson property of it, or its keys", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: "app/db" })).toString(),
      '{"hosts":["a","b"],"nested":{"k":"\\u003cv\\u003e"},"none":null,"password":"s3cr3t-db-password","port":5432,"ratio":1.5,"tls":true}',
    );
    assert.equal((await c.getSecret({ key: "app/db", property: "password" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "app/db", property: "hosts.1" })).toString(), "b");
    assert.equal((await c.getSecret({ key: "/app/db", property: "nested.k" })).toString(), "<v>");
    assert.deepEqual(str(await c.getSecretMap({ key: "app/db" })), {
      password: VALUES[0]!,
      port: "5432",
      ratio: "1.5",
      tls: "true",
      hosts: '["a","b"]',
      nested: '{"k":"\\u003cv\\u003e"}',
      none: "",
    });
    assert.equal((await c.getSecret({ key: "app/empty" })).length, 0);
    await assert.rejects(c.getSecret({ key: "app/db", version: "2" }), /specifying a version is not yet supported/);
  });

  test("one login serves many reads; a revoked token is replaced once", async () => {
    const c = await client();
    await c.getSecret({ key: "app/db" });
    await (await client()).getSecret({ key: "app/api" });
    assert.equal(fake.issued.length, 1);
    fake.live.clear();
    assert.equal((await c.getSecret({ key: "app/api", property: "token" })).toString(), VALUES[1]);
    assert.equal(fake.issued.length, 2);
  });

  test("find, push, delete and exists are refused as upstream refuses them", async () => {
    const c = await client();
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "k" } }),
      NotSupportedError,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "k" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "k" }), NotSupportedError);
  });

  test("failures map to provider errors naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "app/absent" }),
      (e) => e instanceof NoSecretError && /app\/absent/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "app/db", property: "absent" }), NoSecretError);
    await c.validate();
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderThrottledError);
    fake.faults.push(502);
    await assert.rejects(c.getSecret({ key: "app/db" }), /HTTP 502/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "app/db" }), ProviderAuthError);
    kube.setSecret("ns", "dsv", { id: "client-1", secret: "wrong" });
    await assert.rejects((await client()).getSecret({ key: "app/db" }), ProviderAuthError);
  });

  test("no secret value, client secret or token in any error", async () => {
    const c = await client();
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    await collect(c.getSecret({ key: "app/db", property: "absent" }));
    fake.faults.push(500);
    await collect(c.getSecret({ key: "app/db" }));
    kube.setSecret("ns", "dsv", { id: "client-1", secret: "wrong-secret-value" });
    await collect((await client()).getSecret({ key: "app/db" }));
    for (const m of messages) {
      for (const v of [...VALUES, CLIENT_SECRET, "wrong-secret-value", ...fake.issued])
        assert.ok(!m.includes(v), `${m} leaks ${v}`);
    }
  });

  test("tenancy: credentials only from the store's namespace; a ClusterSecretStore names namespaces", async () => {
    kube.setSecret("other", "dsv", { secret: CLIENT_SECRET });
    await assert.rejects(
      client({ clientSecret: { secretRef: { name: "dsv", key: "secret", namespace: "other" } } }),
      StoreConfigError,
    );
    const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const };
    await assert.rejects(delineaProvider.newClient(spec(), cluster), /namespaces must be explicitly set/);
    const ok = await delineaProvider.newClient(
      spec({ clientSecret: { secretRef: { name: "dsv", key: "secret", namespace: "ns" } } }),
      { ...cluster, namespace: "elsewhere" },
    );
    assert.deepEqual(await ok.validate(), { ready: true });
  });
});
