import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { ConjurProvider } from "../../src/api/providers/conjur.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { applianceBase } from "../../src/providers/conjur/endpoints.js";
import { conjurProvider } from "../../src/providers/conjur/index.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { ConjurFake } from "../fakes/conjur-server.js";
import { makeTestPki, type TestPki } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const NS = "team";
const API_KEY = "3x7rk9api-key-value-zz";
const DB_PASSWORD = "pa55-w0rd-db-conjur";
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("conjur provider", () => {
  let fake: ConjurFake;
  let kube: MemoryKubeAccess;
  let caches: ClientCaches;
  let ctx: ProviderContext;

  before(async () => {
    fake = await new ConjurFake().start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.logins.length = 0;
    fake.variables.clear();
    fake.apiKeys.clear();
    fake.apiKeys.set("host/apps/eso", API_KEY);
    fake
      .setVariable("prod/db/password", DB_PASSWORD, { env: "prod", team: "db" })
      .setVariable("prod/db/config", '{"host":"db.internal","port":5432,"nested":{"user":"app"}}', { env: "prod" })
      .setVariable("prod/api/token", ["v1-token", "v2-token"], { env: "prod", team: "api" })
      .setVariable("dev/db/password", "dev-pw", { env: "dev", team: "db" })
      .setVariable("binary/blob", Buffer.from([0, 255, 1, 254]));
    kube = new MemoryKubeAccess().setSecret(NS, "conjur-creds", { hostid: "host/apps/eso", apikey: API_KEY });
    caches = new ClientCaches();
    ctx = { kube, caches, storeKind: "SecretStore", storeName: "conjur", namespace: NS };
  });

  const apikeySpec = (extra: Partial<ConjurProvider> = {}): ConjurProvider => ({
    url: fake.url,
    auth: {
      apikey: {
        account: "myorg",
        userRef: { name: "conjur-creds", key: "hostid" },
        apiKeyRef: { name: "conjur-creds", key: "apikey" },
      },
    },
    ...extra,
  });
  const client = (spec: ConjurProvider = apikeySpec(), c: ProviderContext = ctx): Promise<SecretsClient> =>
    conjurProvider.newClient(spec, c);

  describe("store readiness and spec validation", () => {
    test("ready with a good API key; not ready, naming the refused login, with a bad one", async () => {
      assert.deepEqual(await (await client()).validate(), { ready: true });
      assert.deepEqual(fake.logins, ["host/apps/eso"]);
      const login = fake.requests.find((r) => r.path.startsWith("/authn/"));
      assert.equal(login?.path, "/authn/myorg/host%2Fapps%2Feso/authenticate");

      kube.setSecret(NS, "conjur-creds", { hostid: "host/apps/eso", apikey: "wrong-key" });
      const res = await (
        await conjurProvider.newClient(apikeySpec(), { ...ctx, caches: new ClientCaches() })
      ).validate();
      assert.equal(res.ready, false);
      assert.match(res.message ?? "", /authenticate "host\/apps\/eso": authentication refused/);
    });

    test("validate(spec) names each bad field", () => {
      const v = conjurProvider.validate(
        { url: "not a url", auth: { apikey: { account: "", userRef: { name: "" }, apiKeyRef: { name: "c" } } } } as any,
        "SecretStore",
      );
      assert.deepEqual(v.errors, [
        "spec.provider.conjur.url: is not a valid URL",
        "spec.provider.conjur.auth.apikey.account: is required",
        "spec.provider.conjur.auth.apikey.userRef.name: is required",
        "spec.provider.conjur.auth.apikey.apiKeyRef.key: is required",
      ]);
      assert.deepEqual(conjurProvider.validate({ url: "https://c.example", auth: {} } as any, "SecretStore").errors, [
        "spec.provider.conjur.auth: exactly one of apikey, jwt, cert, iam, azure or gcp must be set",
      ]);
      const jwt = conjurProvider.validate(
        { url: "https://c.example", auth: { jwt: { account: "a", serviceID: "" } } } as any,
        "SecretStore",
      );
      assert.deepEqual(jwt.errors, [
        "spec.provider.conjur.auth.jwt.serviceID: is required",
        "spec.provider.conjur.auth.jwt: one of secretRef or serviceAccountRef is required",
      ]);
      const cert = conjurProvider.validate(
        {
          url: "https://c.example",
          auth: { cert: { account: "a", serviceID: "s", clientCertRef: { name: "t" } } },
        } as any,
        "SecretStore",
      );
      assert.deepEqual(cert.errors, [
        "spec.provider.conjur.auth.cert.clientCertRef.key: is required",
        "spec.provider.conjur.auth.cert.clientKeyRef.name: is required",
      ]);
      assert.deepEqual(conjurProvider.validate(apikeySpec(), "SecretStore"), { errors: [], warnings: [] });
      assert.equal(conjurProvider.capabilities(apikeySpec()), "ReadOnly");
    });

    test("Secrets Manager SaaS URLs get /api, others are used as given", () => {
      assert.equal(
        applianceBase("https://acme.secretsmgr.cyberark.cloud/"),
        "https://acme.secretsmgr.cyberark.cloud/api",
      );
      assert.equal(
        applianceBase("https://acme.secretsmgr.cyberark.cloud/api"),
        "https://acme.secretsmgr.cyberark.cloud/api",
      );
      assert.equal(applianceBase("https://conjur.example.com/"), "https://conjur.example.com");
    });
  });

  describe("reads", () => {
    test("getSecret: the value, a property of a JSON value, a version, and a full resource id", async () => {
      const c = await client();
      assert.equal((await c.getSecret({ key: "prod/db/password" })).toString(), DB_PASSWORD);
      assert.equal((await c.getSecret({ key: "prod/db/config", property: "port" })).toString(), "5432");
      assert.equal((await c.getSecret({ key: "prod/db/config", property: "nested.user" })).toString(), "app");
      assert.equal((await c.getSecret({ key: "prod/api/token", version: "1" })).toString(), "v1-token");
      assert.equal((await c.getSecret({ key: "prod/api/token" })).toString(), "v2-token");
      assert.equal((await c.getSecret({ key: "myorg:variable:prod/db/password" })).toString(), DB_PASSWORD);
      assert.deepEqual([...(await c.getSecret({ key: "binary/blob" }))], [0, 255, 1, 254]);
      const read = fake.requests.find((r) => r.path.startsWith("/secrets/myorg/variable/prod%2Fapi"));
      assert.ok(read, "variable ids are sent URL-encoded as one path segment");
      await assert.rejects(c.getSecret({ key: "prod/db/config", property: "missing" }), NoSecretError);
    });

    test("one login serves many reads and clients of the same store", async () => {
      const a = await client();
      await a.getSecret({ key: "prod/db/password" });
      await a.getSecret({ key: "dev/db/password" });
      const b = await client();
      await b.getSecret({ key: "prod/db/password" });
      assert.equal(fake.logins.length, 1);
      assert.ok(
        fake.requests
          .filter((r) => r.path.startsWith("/secrets/"))
          .every((r) => /^Token token="/.test(r.authorization ?? "")),
      );
    });

    test("an expired token is replaced by one new login, and the read succeeds", async () => {
      const c = await client();
      await c.getSecret({ key: "prod/db/password" });
      fake.expireTokens();
      assert.equal((await c.getSecret({ key: "prod/db/password" })).toString(), DB_PASSWORD);
      assert.equal(fake.logins.length, 2);
    });

    test("getSecretMap: a JSON object's keys", async () => {
      const c = await client();
      assert.deepEqual(str(await c.getSecretMap({ key: "prod/db/config" })), {
        host: "db.internal",
        port: "5432",
        nested: '{"user":"app"}',
      });
      await assert.rejects(c.getSecretMap({ key: "prod/db/password" }), /not a JSON object/);
    });

    test("getAllSecrets by name, by tags (annotations) and by path, through the batch endpoint", async () => {
      const c = await client();
      assert.deepEqual(str(await c.getAllSecrets({ name: { regexp: "db/password$" } })), {
        "prod/db/password": DB_PASSWORD,
        "dev/db/password": "dev-pw",
      });
      assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { env: "prod", team: "api" } })), ["prod/api/token"]);
      assert.deepEqual(Object.keys(await c.getAllSecrets({ path: "prod/db" })).sort(), [
        "prod/db/config",
        "prod/db/password",
      ]);
      assert.deepEqual(await c.getAllSecrets({ name: { regexp: "^nothing$" } }), {});
      const batch = fake.requests.find((r) => r.path === "/secrets");
      assert.ok(batch?.query.get("variable_ids")?.includes("myorg:variable:prod/db/password"));
    });

    test("getAllSecrets pages through more than 100 variables", async () => {
      for (let i = 0; i < 230; i++)
        fake.setVariable(`bulk/item-${String(i).padStart(3, "0")}`, `v${i}`, { bulk: "yes" });
      const all = await (await client()).getAllSecrets({ tags: { bulk: "yes" } });
      assert.equal(Object.keys(all).length, 230);
      assert.equal(all["bulk/item-229"]?.toString(), "v229");
      const offsets = fake.requests.filter((r) => r.path === "/resources/myorg").map((r) => r.query.get("offset"));
      assert.deepEqual(offsets, ["0", "100", "200"]);
      assert.equal(fake.requests.filter((r) => r.path === "/secrets").length, 5, "batches of at most 50 ids");
    });

    test("batch reads: one request for many keys; binary-safe; per-key errors when one is missing", async () => {
      const c = await client();
      assert.ok(c.batchReads?.batchable({ key: "a" }));
      assert.equal(c.batchReads?.batchable({ key: "a", version: "2" }), false);
      const out = await c.batchReads!.getSecretBatch([
        { key: "prod/db/password" },
        { key: "prod/db/config", property: "host" },
        { key: "binary/blob" },
      ]);
      assert.equal(fake.requests.filter((r) => r.path === "/secrets").length, 1);
      assert.equal((out[0] as Buffer).toString(), DB_PASSWORD);
      assert.equal((out[1] as Buffer).toString(), "db.internal");
      assert.deepEqual([...(out[2] as Buffer)], [0, 255, 1, 254]);

      const mixed = await c.batchReads!.getSecretBatch([{ key: "prod/db/password" }, { key: "no/such" }]);
      assert.equal((mixed[0] as Buffer).toString(), DB_PASSWORD);
      assert.ok(mixed[1] instanceof NoSecretError);
      assert.match((mixed[1] as Error).message, /no\/such/);
    });

    test("a server that ignores Accept: base64 still yields the values", async () => {
      const plain = await new ConjurFake({ ignoreBase64: true }).start();
      try {
        plain.apiKeys.set("host/apps/eso", API_KEY);
        plain.setVariable("a", "alpha").setVariable("b", "beta");
        const c = await client(apikeySpec({ url: plain.url }));
        const out = await c.batchReads!.getSecretBatch([{ key: "a" }, { key: "b" }]);
        assert.deepEqual(
          out.map((b) => String(b)),
          ["alpha", "beta"],
        );
      } finally {
        await plain.stop();
      }
    });
  });

  test("push, delete and exists are not supported (read-only, as upstream)", async () => {
    const c = await client();
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: NS, data: {} }, { remoteRef: { remoteKey: "x" } }),
      NotSupportedError,
    );
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
  });

  describe("failures", () => {
    test("not found is NoSecretError naming the key", async () => {
      const err = await (await client()).getSecret({ key: "prod/missing" }).catch((e: Error) => e);
      assert.ok(err instanceof NoSecretError);
      assert.match(err.message, /variable "prod\/missing": not found/);
    });

    test("403 is ProviderAuthError; 429 throttled; 5xx an error naming the status", async () => {
      fake.variables.get("prod/db/password")!.forbidden = true;
      const c = await client();
      await assert.rejects(c.getSecret({ key: "prod/db/password" }), ProviderAuthError);
      await c.getSecret({ key: "dev/db/password" });
      fake.faults.push(429);
      await assert.rejects(c.getSecret({ key: "dev/db/password" }), ProviderThrottledError);
      fake.faults.push(503);
      await assert.rejects(c.getSecret({ key: "dev/db/password" }), /variable "dev\/db\/password": HTTP 503/);
      fake.faults.push(401, 401);
      await assert.rejects(c.getSecret({ key: "dev/db/password" }), ProviderAuthError);
    });

    test("a hanging server fails the call at the reconcile deadline", async () => {
      const c = await client(apikeySpec(), { ...ctx, deadline: Date.now() + 300 });
      fake.faults.push({ hang: true });
      const started = Date.now();
      await assert.rejects(
        c.validate().then((r) => (r.ready ? r : Promise.reject(new Error(r.message)))),
        /timed out/,
      );
      assert.ok(Date.now() - started < 5000);
    });

    test("no value, API key or token appears in an error", async () => {
      const messages: string[] = [];
      const c = await client();
      await c.getSecret({ key: "prod/db/password" });
      const token = /Token token="([^"]+)"/.exec(fake.requests.at(-1)?.authorization ?? "")?.[1] ?? "";
      assert.ok(token);
      fake.faults.push(500, 429, 403);
      for (let i = 0; i < 3; i++)
        messages.push((await c.getSecret({ key: "prod/db/password" }).catch((e: Error) => e.message)) as string);
      messages.push(
        (await c.getSecret({ key: "prod/db/password", property: "x" }).catch((e: Error) => e.message)) as string,
      );
      messages.push((await c.getSecretMap({ key: "prod/db/password" }).catch((e: Error) => e.message)) as string);
      kube.setSecret(NS, "conjur-creds", { hostid: "host/apps/eso", apikey: `${API_KEY}-bad` });
      const bad = await (
        await conjurProvider.newClient(apikeySpec(), { ...ctx, caches: new ClientCaches() })
      ).validate();
      messages.push(bad.message ?? "");
      assert.equal(messages.filter(Boolean).length, 6);
      for (const m of messages) {
        for (const secret of [DB_PASSWORD, API_KEY, token]) assert.ok(!m.includes(secret), `leaked in: ${m}`);
      }
    });
  });

  describe("jwt auth", () => {
    beforeEach(() => {
      fake.jwtServices.clear();
      fake.jwtVerify = (jwt) => kube.verifyToken(jwt);
      kube.setServiceAccount(NS, "eso-conjur");
    });

    test("a TokenRequest token for serviceAccountRef, with its audiences, logs in as the service account", async () => {
      fake.jwtServices.set("k8s-cluster", {
        host: `system:serviceaccount:${NS}:eso-conjur`,
        audience: "https://conjur.example",
      });
      const spec: ConjurProvider = {
        url: fake.url,
        auth: {
          jwt: {
            account: "myorg",
            serviceID: "k8s-cluster",
            serviceAccountRef: { name: "eso-conjur", audiences: ["https://conjur.example"] },
          },
        },
      };
      const c = await client(spec);
      assert.equal(kube.issued.length, 0, "no token is requested before a login is needed");
      assert.equal((await c.getSecret({ key: "prod/db/password" })).toString(), DB_PASSWORD);
      assert.deepEqual(kube.issued, [
        { namespace: NS, serviceAccount: "eso-conjur", audiences: ["https://conjur.example"], expirationSeconds: 600 },
      ]);
      const login = fake.requests.find((r) => r.path.startsWith("/authn-jwt/"));
      assert.equal(login?.path, "/authn-jwt/k8s-cluster/myorg/authenticate");
      await (await client(spec)).getSecret({ key: "prod/db/password" });
      assert.equal(kube.issued.length, 1, "the Conjur token is reused; no new ServiceAccount token");

      const wrongAud = { ...spec, auth: { jwt: { ...spec.auth.jwt!, serviceAccountRef: { name: "eso-conjur" } } } };
      const res = await (await conjurProvider.newClient(wrongAud, { ...ctx, caches: new ClientCaches() })).validate();
      assert.equal(res.ready, false);
      assert.match(res.message ?? "", /authn-jwt\/k8s-cluster: authentication refused/);
    });

    test("a JWT from a Secret (key defaults to `token`) with hostId in the URL", async () => {
      fake.jwtServices.set("ext", { host: "host/apps/jwt-app" });
      const jwt = await kube.createServiceAccountToken(NS, "eso-conjur", ["x"]);
      kube.setSecret(NS, "conjur-jwt", { token: jwt });
      const spec: ConjurProvider = {
        url: fake.url,
        auth: {
          jwt: { account: "myorg", serviceID: "ext", hostId: "host/apps/jwt-app", secretRef: { name: "conjur-jwt" } },
        },
      };
      assert.deepEqual(await (await client(spec)).validate(), { ready: true });
      const login = fake.requests.find((r) => r.path.startsWith("/authn-jwt/"));
      assert.equal(login?.path, "/authn-jwt/ext/myorg/host%2Fapps%2Fjwt-app/authenticate");
      assert.equal(new URLSearchParams(login?.body).get("jwt"), jwt);
    });
  });

  describe("tenancy", () => {
    test("a SecretStore naming a credential in another namespace fails with StoreConfigError", async () => {
      kube.setSecret("other", "conjur-creds", { hostid: "host/apps/eso", apikey: API_KEY });
      const spec = apikeySpec();
      spec.auth.apikey!.apiKeyRef = { name: "conjur-creds", key: "apikey", namespace: "other" };
      await assert.rejects(client(spec), StoreConfigError);
      assert.ok(conjurProvider.validate(spec, "SecretStore").errors.some((e) => e.includes("apiKeyRef.namespace")));
      assert.deepEqual(conjurProvider.validate(spec, "ClusterSecretStore").errors, []);
    });

    test("a SecretStore may not request a token for another namespace's ServiceAccount", async () => {
      kube.setServiceAccount("kube-system", "admin");
      const spec: ConjurProvider = {
        url: fake.url,
        auth: {
          jwt: { account: "myorg", serviceID: "k", serviceAccountRef: { name: "admin", namespace: "kube-system" } },
        },
      };
      await assert.rejects(client(spec), StoreConfigError);
      assert.equal(kube.issued.length, 0);
    });

    test("a ClusterSecretStore reads the reference's namespace; stores do not share logins", async () => {
      kube.setSecret("creds", "conjur-creds", { hostid: "host/apps/eso", apikey: API_KEY });
      const spec = apikeySpec();
      spec.auth.apikey!.userRef.namespace = "creds";
      spec.auth.apikey!.apiKeyRef.namespace = "creds";
      const css = await client(spec, {
        ...ctx,
        storeKind: "ClusterSecretStore",
        storeName: "shared",
        namespace: "apps",
      });
      assert.equal((await css.getSecret({ key: "dev/db/password" })).toString(), "dev-pw");
      await (await client()).getSecret({ key: "dev/db/password" });
      assert.equal(fake.logins.length, 2, "a SecretStore and a ClusterSecretStore never share a token");
    });
  });
});

describe("conjur cert auth (mTLS)", () => {
  let pki: TestPki;
  let fake: ConjurFake;
  let kube: MemoryKubeAccess;
  const ctx = (): ProviderContext => ({
    kube,
    caches: new ClientCaches(),
    storeKind: "SecretStore",
    storeName: "c",
    namespace: NS,
  });

  before(async () => {
    pki = makeTestPki();
    fake = await new ConjurFake({ tls: pki }).start();
    fake.certServices.set("vm-certs", { hosts: ["host/eso-client"] });
    fake.setVariable("prod/db/password", DB_PASSWORD);
  });
  after(() => fake.stop());
  beforeEach(() => {
    kube = new MemoryKubeAccess().setSecret(NS, "client-tls", {
      "tls.crt": pki.clientCertPem,
      "tls.key": pki.clientKeyPem,
    });
  });

  const spec = (hostId?: string, caBundle = Buffer.from(pki.caPem).toString("base64")): ConjurProvider => ({
    url: fake.url,
    caBundle,
    auth: {
      cert: {
        account: "myorg",
        serviceID: "vm-certs",
        ...(hostId ? { hostId } : {}),
        clientCertRef: { name: "client-tls", key: "tls.crt" },
        clientKeyRef: { name: "client-tls", key: "tls.key" },
      },
    },
  });

  test("the client certificate logs in (by hostId, or by its CN); reads use the token, trusting caBundle", async () => {
    const c = await conjurProvider.newClient(spec("host/eso-client"), ctx());
    assert.equal((await c.getSecret({ key: "prod/db/password" })).toString(), DB_PASSWORD);
    assert.ok(fake.requests.some((r) => r.path === "/authn-cert/vm-certs/myorg/host%2Feso-client/authenticate"));
    const spiffe = await conjurProvider.newClient(spec(), ctx());
    assert.deepEqual(await spiffe.validate(), { ready: true });
    assert.ok(fake.requests.some((r) => r.path === "/authn-cert/vm-certs/myorg/authenticate"));
  });

  test("a host the certificate does not match is refused; a server the CA does not sign is not trusted", async () => {
    const other = await (await conjurProvider.newClient(spec("host/someone-else"), ctx())).validate();
    assert.equal(other.ready, false);
    assert.match(other.message ?? "", /authn-cert\/vm-certs: authentication refused/);
    const untrusted = await (await conjurProvider.newClient(spec(undefined, ""), ctx())).validate();
    assert.equal(untrusted.ready, false);
    assert.match(untrusted.message ?? "", /request failed/);
  });

  test("a key that is not PEM is a StoreConfigError naming the field, without its content", async () => {
    kube.setSecret(NS, "client-tls", { "tls.crt": pki.clientCertPem, "tls.key": "garbage-key-material" });
    const err = await conjurProvider.newClient(spec(), ctx()).catch((e: Error) => e);
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /auth\.cert\.clientKeyRef: is not a PEM private key/);
    assert.ok(!err.message.includes("garbage-key-material"));
  });
});
