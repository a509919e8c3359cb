import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { pulumiProvider } from "../../src/providers/pulumi/index.js";
import { type PulumiFake, startPulumiFake } from "../fakes/pulumi-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const TOKEN = "pul-0123456789abcdef";
const ENV_KEY = "acme/app/prod";

describe("pulumi provider", () => {
  let fake: PulumiFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  const spec = () =>
    ({
      apiUrl: fake.apiUrl,
      organization: "acme",
      project: "app",
      environment: "prod",
      auth: { accessToken: { secretRef: { name: "pulumi", key: "token" } } },
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    pulumiProvider.newClient({ ...spec(), ...extra }, ctx);
  const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

  before(async () => {
    fake = await startPulumiFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.tokens.clear();
    fake.tokens.set(TOKEN, "acme");
    fake.environments.set(ENV_KEY, {
      imports: ["base"],
      values: {
        db: { password: { "fn::secret": "s3cret" }, user: "admin", port: 5432, tls: true },
        "key with a .": "dotted",
        list: ["a", "b"],
      },
    });
    kube = new MemoryKubeAccess().setSecret("team", "pulumi", { token: TOKEN });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "esc", namespace: "team" };
  });

  test("reads a value by Pulumi path: secrets, numbers, booleans, quoted keys and array items", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "db.password" })).toString(), "s3cret");
    assert.equal((await c.getSecret({ key: 'db["user"]' })).toString(), "admin");
    assert.equal((await c.getSecret({ key: "db.port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: "db.tls" })).toString(), "true");
    assert.equal((await c.getSecret({ key: '["key with a ."]' })).toString(), "dotted");
    assert.equal((await c.getSecret({ key: "list[1]" })).toString(), "b");
    const auth = fake.requests.find((r) => r.path.endsWith("/open"));
    assert.ok(auth, "the environment is opened before reading");
    assert.match(fake.requests.at(-1)!.query, /property=list%5B1%5D/);
  });

  test("an object value reads as Go JSON of its ESC values; extract takes its top-level entries", async () => {
    const c = await client();
    const whole = JSON.parse((await c.getSecret({ key: "db" })).toString());
    assert.deepEqual(Object.keys(whole), ["password", "port", "tls", "user"], "keys sorted as Go does");
    assert.equal(whole.user.value, "admin");
    assert.deepEqual(str(await c.getSecretMap({ key: "db" })), {
      password: "s3cret",
      user: "admin",
      port: "5432",
      tls: "true",
    });
    await assert.rejects(c.getSecretMap({ key: "db.user" }), /value of "db.user" is not an object/);
  });

  test("find, exists and delete are refused with upstream's words", async () => {
    const c = await client();
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "db.user" }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "db.user" }), /deleting secrets is currently not supported/);
    assert.equal(pulumiProvider.capabilities(spec()), "ReadOnly");
  });

  test("push writes the value at the dotted key as fn::secret, leaving imports and other values alone", async () => {
    const c = await client();
    const source = { name: "src", namespace: "team", data: { token: Buffer.from("new-token") } };
    await c.pushSecret(source, { secretKey: "token", remoteRef: { remoteKey: "app.token" } });
    const def = fake.environments.get(ENV_KEY) as any;
    assert.deepEqual(def.imports, ["base"]);
    assert.deepEqual(def.values.app, { token: { "fn::secret": "new-token" } });
    assert.deepEqual(def.values.db.password, { "fn::secret": "s3cret" }, "an untouched secret keeps its value");
    assert.equal((await c.getSecret({ key: "app.token" })).toString(), "new-token");
    const patch = fake.requests.find((r) => r.method === "PATCH")!;
    assert.ok(!patch.body.includes("s3cret"), "other secrets go back as the ciphertext they were read as");

    const plain = {
      apiVersion: "kubernetes.external-secrets.io/v1alpha1",
      kind: "PushSecretMetadata",
      spec: { secret: false },
    };
    await c.pushSecret(source, { secretKey: "token", remoteRef: { remoteKey: "db.password" }, metadata: plain });
    assert.equal((fake.environments.get(ENV_KEY) as any).values.db.password, "new-token");
    await assert.rejects(c.pushSecret(source, { remoteRef: { remoteKey: "x" } }), /pushing the whole secret/);
    await assert.rejects(
      c.pushSecret(source, { secretKey: "token", remoteRef: { remoteKey: "db.user.inner" } }),
      (e: Error) => e instanceof StoreConfigError && /"db.user" is not a map/.test(e.message),
    );
  });

  test("push into an environment with an empty definition", async () => {
    fake.environments.set(ENV_KEY, {});
    const c = await client();
    const source = { name: "src", namespace: "team", data: { k: Buffer.from("v") } };
    await c.pushSecret(source, { secretKey: "k", remoteRef: { remoteKey: "app.k" } });
    assert.deepEqual(fake.environments.get(ENV_KEY), { values: { app: { k: { "fn::secret": "v" } } } });
  });

  test("store readiness: ready with a good token; not ready naming the cause with a bad one or a missing environment", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("team", "pulumi", { token: "pul-wrong" });
    const bad = await (await client()).validate();
    assert.equal(bad.ready, false);
    assert.match(bad.message!, /authentication failed \(HTTP 401\)/);
    assert.ok(!bad.message!.includes("pul-wrong"));
    kube.setSecret("team", "pulumi", { token: TOKEN });
    const missing = await (await client({ environment: "absent" })).validate();
    assert.match(missing.message!, /acme\/app\/absent: not found/);
  });

  test("not found, auth, throttling and server errors map to their errors; no value or token in messages", async () => {
    const c = await client();
    await assert.rejects(c.getSecret({ key: "db.absent" }), (e: Error) => {
      assert.ok(e instanceof NoSecretError);
      assert.match(e.message, /db\.absent/);
      return true;
    });
    for (const [status, cls] of [
      [429, ProviderThrottledError],
      [401, ProviderAuthError],
      [403, ProviderAuthError],
    ] as const) {
      fake.faults.push(status);
      await assert.rejects(c.getSecret({ key: "db.password" }), cls);
    }
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "db.password" }), (e: Error) => {
      assert.match(e.message, /HTTP 503/);
      assert.ok(!e.message.includes("s3cret") && !e.message.includes(TOKEN));
      return true;
    });
    fake.tokens.set(TOKEN, "other-org");
    await assert.rejects(
      c.getSecret({ key: "db.password" }),
      (e: Error) => e instanceof ProviderAuthError && !e.message.includes(TOKEN),
    );
  });

  test("a hanging API call ends at the reconcile deadline", async () => {
    const c = await pulumiProvider.newClient(spec(), { ...ctx, deadline: Date.now() + 300 });
    fake.faults.push({ hang: true });
    const started = Date.now();
    await assert.rejects(c.getSecret({ key: "db.user" }), /timed out/);
    assert.ok(Date.now() - started < 5_000);
  });

  test("the deprecated top-level accessToken still works, with a warning", async () => {
    const legacy = { ...spec(), auth: undefined, accessToken: { secretRef: { name: "pulumi", key: "token" } } };
    const c = await pulumiProvider.newClient(legacy, ctx);
    assert.equal((await c.getSecret({ key: "db.user" })).toString(), "admin");
    const v = pulumiProvider.validate(legacy, "SecretStore");
    assert.deepEqual(v.errors, []);
    assert.match(v.warnings[0]!, /accessToken: is deprecated/);
  });

  test("OIDC: a ServiceAccount token is exchanged once for an organization token, then reused", async () => {
    kube.setServiceAccount("team", "esc-reader");
    const seen: Record<string, unknown>[] = [];
    fake.oidc = (org, jwt, body) => {
      seen.push(body);
      const claims = kube.verifyToken(jwt);
      return org === "acme" && claims?.sub === "system:serviceaccount:team:esc-reader" ? "pul-oidc-issued" : undefined;
    };
    const oidc = {
      ...spec(),
      auth: { oidcConfig: { organization: "acme", serviceAccountRef: { name: "esc-reader", audiences: ["extra"] } } },
    };
    const c1 = await pulumiProvider.newClient(oidc, ctx);
    assert.equal((await c1.getSecret({ key: "db.user" })).toString(), "admin");
    const c2 = await pulumiProvider.newClient(oidc, ctx);
    assert.equal((await c2.getSecret({ key: "db.port" })).toString(), "5432");
    assert.equal(seen.length, 1, "one exchange serves both clients");
    assert.equal(seen[0]!.requested_token_type, "urn:pulumi:token-type:access_token:organization");
    assert.equal(seen[0]!.expiration, 600);
    assert.deepEqual(kube.issued[0]!.audiences, [fake.url, "extra"]);
    const other = {
      ...oidc,
      auth: { oidcConfig: { organization: "evil", serviceAccountRef: { name: "esc-reader" } } },
    };
    await assert.rejects(pulumiProvider.newClient(other, ctx), ProviderAuthError);
  });

  test("tenancy: a SecretStore may not read a token or a ServiceAccount of another namespace", async () => {
    kube.setSecret("other", "pulumi", { token: TOKEN });
    const cross = {
      ...spec(),
      auth: { accessToken: { secretRef: { name: "pulumi", key: "token", namespace: "other" } } },
    };
    await assert.rejects(pulumiProvider.newClient(cross, ctx), StoreConfigError);
    const crossSa = {
      ...spec(),
      auth: { oidcConfig: { organization: "acme", serviceAccountRef: { name: "sa", namespace: "other" } } },
    };
    await assert.rejects(pulumiProvider.newClient(crossSa, ctx), StoreConfigError);
    assert.equal(kube.issued.length, 0);
  });

  test("validate names each bad field", () => {
    const errs = (s: unknown, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      pulumiProvider.validate(s as any, kind).errors.join("\n");
    assert.match(errs({ auth: { accessToken: { secretRef: { name: "t" } } } }), /organization: is required/);
    assert.match(
      errs({ organization: "o" }),
      /project: is required[\s\S]*environment: is required[\s\S]*exactly one of 'auth'/,
    );
    const base = { organization: "o", project: "p", environment: "e" };
    assert.match(errs({ ...base, auth: {} }), /auth: exactly one of 'accessToken' or 'oidcConfig'/);
    assert.match(
      errs({ ...base, auth: { accessToken: { secretRef: { name: "t", key: "k" } } } }, "ClusterSecretStore"),
      /auth.accessToken.secretRef.namespace: is required for a ClusterSecretStore/,
    );
    assert.match(
      errs(
        {
          ...base,
          auth: { oidcConfig: { organization: "o", serviceAccountRef: { name: "s" }, expirationSeconds: 60 } },
        },
        "ClusterSecretStore",
      ),
      /serviceAccountRef.namespace: is required[\s\S]*expirationSeconds: must be at least 600/,
    );
    assert.match(
      errs({ ...base, apiUrl: "ftp://x", auth: { accessToken: { secretRef: { name: "t", key: "k" } } } }),
      /apiUrl/,
    );
    assert.equal(errs({ ...base, auth: { accessToken: { secretRef: { name: "t", key: "k" } } } }), "");
  });

  test("the YAML written back parses and keeps the environment's other sections", async () => {
    const c = await client();
    await c.pushSecret(
      { name: "s", namespace: "team", data: { k: Buffer.from("v") } },
      { secretKey: "k", remoteRef: { remoteKey: "new" } },
    );
    const sent = parseYaml(fake.requests.find((r) => r.method === "PATCH")!.body);
    assert.deepEqual(sent.imports, ["base"]);
    assert.deepEqual(sent.values.new, { "fn::secret": "v" });
  });
});
