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
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { scalewayProvider } from "../../src/providers/scaleway/index.js";
import { type ScalewayFake, startScalewayFake } from "../fakes/scaleway-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const PROJECT = "6170692e-7363-616c-6577-61792e636f6d";
const OTHER_PROJECT = "11111111-2222-3333-4444-555555555555";
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const VALUES = ["v1-old-value", "db-pass-v2", "s3cr3t-api-key", "tls-secret-body"];

describe("scaleway provider", () => {
  let fake: ScalewayFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let dbId: string;

  before(async () => {
    fake = await startScalewayFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.secrets.length = 0;
    fake.requests.length = 0;
    dbId = fake.addSecret({
      projectId: PROJECT,
      name: "db",
      versions: [
        VALUES[0]!,
        JSON.stringify({ user: "app", password: VALUES[1], port: 5432, "tls.crt": "cert", nested: { a: 1 } }),
      ],
    }).id;
    fake.addSecret({
      projectId: PROJECT,
      name: "api-key",
      path: "/team/a",
      tags: ["env:prod", "team-a"],
      versions: [VALUES[2]!],
    });
    fake.addSecret({ projectId: PROJECT, name: "tls", path: "/team/a", tags: ["team-a"], versions: [VALUES[3]!] });
    fake.addSecret({ projectId: PROJECT, name: "empty", versions: [{ data: "gone", disabled: true }] });
    fake.addSecret({ projectId: OTHER_PROJECT, name: "foreign", versions: ["not-ours"] });
    kube = new MemoryKubeAccess().setSecret("ns", "scw", { access: "SCWXXXXXXXXXXXXXXXXX", secret: fake.secretKey });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "scw", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      apiUrl: fake.url,
      region: "fr-par",
      projectId: PROJECT,
      accessKey: { secretRef: { name: "scw", key: "access" } },
      secretKey: { secretRef: { name: "scw", key: "secret" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    scalewayProvider.newClient(spec(extra), ctx);

  test("validate(spec) names each bad field", () => {
    assert.deepEqual(scalewayProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    const bad = scalewayProvider.validate(
      {
        apiUrl: "not a url",
        region: "paris",
        projectId: "p1",
        accessKey: { value: "SCW", secretRef: { name: "x", key: "k" } },
        secretKey: {},
      } as any,
      "SecretStore",
    );
    assert.deepEqual(bad.errors, [
      'spec.provider.scaleway.apiUrl: invalid api url: "not a url"',
      'spec.provider.scaleway.region: invalid region: "paris"',
      'spec.provider.scaleway.projectId: invalid project id: "p1"',
      "spec.provider.scaleway.accessKey: cannot specify both secret reference and value",
      "spec.provider.scaleway.secretKey: must specify either secret reference or direct value",
    ]);
    assert.equal(scalewayProvider.capabilities(spec()), "ReadWrite");
    const cluster = scalewayProvider.validate(spec(), "ClusterSecretStore");
    assert.equal(cluster.errors.length, 0);
    assert.match(cluster.warnings.join("\n"), /accessKey\.secretRef\.namespace/);
  });

  test("store readiness: ready with the secret key, not ready naming the cause without", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("ns", "scw", { access: "SCWXXXXXXXXXXXXXXXXX", secret: "0badbad0-0000-4000-8000-000000000bad" });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /authentication failed \(HTTP 401\)/);
    await assert.rejects(client({ accessKey: { value: "AKIA" } }), /invalid access key format "AKIA"/);
    await assert.rejects(
      client({ secretKey: { value: "not-a-uuid-secret" } }),
      (e) =>
        e instanceof StoreConfigError && /expected a UUID/.test(e.message) && !e.message.includes("not-a-uuid-secret"),
    );
    const inline = await client({ secretKey: { value: fake.secretKey }, accessKey: { value: "SCWXXXXXXXXXXXXXXXXX" } });
    assert.deepEqual(await inline.validate(), { ready: true });
  });

  test("reads by id, name and path; versions; properties", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: `id:${dbId}`, property: "password" })).toString(), VALUES[1]);
    assert.equal((await c.getSecret({ key: `id:${dbId}`, version: "1" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "name:db", version: "1" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "name:db", property: "port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: "name:db", property: "nested" })).toString(), '{"a":1}');
    assert.equal((await c.getSecret({ key: "name:db", property: "tls.crt" })).toString(), "cert");
    assert.equal((await c.getSecret({ key: "path:/team/a/api-key" })).toString(), VALUES[2]);
    assert.deepEqual(str(await c.getSecretMap({ key: "name:db" })), {
      user: "app",
      password: VALUES[1]!,
      port: "5432",
      "tls.crt": "cert",
      nested: '{"a":1}',
    });
    // An id with a revision number is read without looking the secret up first.
    fake.requests.length = 0;
    await c.getSecret({ key: `id:${dbId}`, version: "2" });
    assert.deepEqual(fake.requests, [`GET /secret-manager/v1beta1/regions/fr-par/secrets/${dbId}/versions/2/access`]);
    await assert.rejects(c.getSecretMap({ key: "name:db", version: "1" }), /invalid JSON format/);
    await assert.rejects(c.getSecret({ key: "db" }), /missing colon/);
  });

  test("find by name, tags and path, in the store's project only", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getAllSecrets({ name: { regexp: "^(db|api-key|foreign)$" } })), {
      db: JSON.stringify({ user: "app", password: VALUES[1], port: 5432, "tls.crt": "cert", nested: { a: 1 } }),
      "api-key": VALUES[2]!,
    });
    assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { "team-a": "" } })).sort(), ["api-key", "tls"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { "team-a": "", "env:prod": "" } })), ["api-key"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ path: "/team/a", name: { regexp: "^t" } })), ["tls"]);
    // A secret without an enabled version is left out.
    assert.ok(!("empty" in (await c.getAllSecrets({}))));
  });

  test("find pages through more secrets than one page holds", async () => {
    for (let i = 0; i < 120; i++) fake.addSecret({ projectId: PROJECT, name: `bulk-${i}`, versions: [String(i)] });
    const all = await (await client()).getAllSecrets({ name: { regexp: "^bulk-" } });
    assert.equal(Object.keys(all).length, 120);
    assert.equal(all["bulk-119"]?.toString(), "119");
  });

  test("push creates the secret, adds a version only when the value changed, and deletes", async () => {
    const c = await client();
    const source = { name: "src", namespace: "ns", data: { pw: Buffer.from("pushed-1"), user: Buffer.from("u") } };
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "path:/pushed/app-pw" } });
    const created = fake.secrets.find((s) => s.name === "app-pw");
    assert.equal(created?.path, "/pushed");
    assert.equal(created?.versions.length, 1);
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "path:/pushed/app-pw" } });
    assert.equal(created?.versions.length, 1, "same value: no new version");
    source.data.pw = Buffer.from("pushed-2");
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "path:/pushed/app-pw" } });
    assert.deepEqual(
      created?.versions.map((v) => [v.data.toString(), v.status]),
      [
        ["pushed-1", "disabled"],
        ["pushed-2", "enabled"],
      ],
    );
    assert.equal((await c.getSecret({ key: "path:/pushed/app-pw" })).toString(), "pushed-2");
    // The whole Secret as JSON when no key is selected.
    await c.pushSecret(source, { remoteRef: { remoteKey: "name:whole" } });
    assert.equal((await c.getSecret({ key: "name:whole" })).toString(), '{"pw":"pushed-2","user":"u"}');
    await assert.rejects(
      c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: `id:${dbId}` } }),
      /only be pushed by name or path/,
    );
    await c.deleteSecret({ remoteKey: "path:/pushed/app-pw" });
    assert.ok(!fake.secrets.some((s) => s.name === "app-pw"));
    await c.deleteSecret({ remoteKey: "name:never-existed" });
    await assert.rejects(c.secretExists({ remoteKey: "name:db" }), NotSupportedError);
  });

  test("failures map to provider errors naming the key", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "name:absent" }),
      (e) => e instanceof NoSecretError && /"name:absent"/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "id:00000000-0000-0000-0000-000000000000" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "name:db", version: "9" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "name:db", property: "absent" }), NoSecretError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "name:db" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "name:db" }), /HTTP 503/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "name:db" }), ProviderAuthError);
    kube.setSecret("ns", "scw", { access: "SCWXXXXXXXXXXXXXXXXX", secret: "0badbad0-0000-4000-8000-000000000bad" });
    await assert.rejects((await client()).getSecret({ key: "name:db" }), ProviderAuthError);
  });

  test("no secret value or key in any error", async () => {
    const c = await client();
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected a failure"),
        (e: Error) => messages.push(e.message),
      );
    await collect(c.getSecret({ key: "name:db", property: "absent" }));
    await collect(c.getSecretMap({ key: "name:db", version: "1" }));
    fake.faults.push(500);
    await collect(c.getSecret({ key: "name:db" }));
    kube.setSecret("ns", "scw", { access: "SCWXXXXXXXXXXXXXXXXX", secret: "0badbad0-0000-4000-8000-00000000dead" });
    await collect((await client()).getSecret({ key: "name:db" }));
    for (const m of messages) {
      for (const v of [...VALUES, fake.secretKey, "0badbad0-0000-4000-8000-00000000dead"])
        assert.ok(!m.includes(v), `${m} leaks ${v}`);
    }
  });

  test("tenancy: a SecretStore cannot read credentials from another namespace", async () => {
    kube.setSecret("other", "scw", { access: "SCWXXXXXXXXXXXXXXXXX", secret: fake.secretKey });
    await assert.rejects(
      client({ secretKey: { secretRef: { name: "scw", key: "secret", namespace: "other" } } }),
      StoreConfigError,
    );
    const cluster = { ...ctx, storeKind: "ClusterSecretStore" as const };
    await assert.rejects(scalewayProvider.newClient(spec(), cluster), /namespaces must be explicitly set/);
    const ok = await scalewayProvider.newClient(
      spec({
        accessKey: { secretRef: { name: "scw", key: "access", namespace: "ns" } },
        secretKey: { secretRef: { name: "scw", key: "secret", namespace: "ns" } },
      }),
      { ...cluster, namespace: "elsewhere" },
    );
    assert.deepEqual(await ok.validate(), { ready: true });
  });
});
