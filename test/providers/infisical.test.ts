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
import { infisicalProvider } from "../../src/providers/infisical/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { selfSignedCert } from "../fakes/azurekv-server.js";
import { type InfisicalFake, startInfisicalFake } from "../fakes/infisical-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const CLIENT_ID = "ua-client-id";
const CLIENT_SECRET = "ua-client-secret-value";
const DB_PASSWORD = "pg-pass-0f9a";

const text = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("infisical provider", () => {
  let fake: InfisicalFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  const spec = (extra: Record<string, unknown> = {}, scope: Record<string, unknown> = {}): any => ({
    hostAPI: `${fake.url}/api`,
    auth: {
      universalAuthCredentials: {
        clientId: { name: "infisical", key: "clientId" },
        clientSecret: { name: "infisical", key: "clientSecret" },
      },
    },
    secretsScope: { projectSlug: "shop", environmentSlug: "prod", ...scope },
    ...extra,
  });
  const client = (s: any = spec(), c: ProviderContext = ctx): Promise<SecretsClient> =>
    infisicalProvider.newClient(s, c);
  const logins = () => fake.requests.filter((r) => r.path.endsWith("/login")).length;

  before(async () => {
    fake = await startInfisicalFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.projects.clear();
    fake.tokens.clear();
    fake.access.clear();
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.legacyProjectRoute = false;
    fake.logins.set("universal-auth", (b) =>
      b.clientId === CLIENT_ID && b.clientSecret === CLIENT_SECRET ? "identity-ua" : undefined,
    );
    const p = fake.addProject("shop", "prod", {
      DB_PASSWORD,
      DB_USER: "shop",
      DSN: "postgres://${DB_USER}:${DB_PASSWORD}@db",
      CONFIG: '{"user":"admin","nested":{"port":5432}}',
      "/billing/STRIPE_KEY": "sk_live_billing",
      "/billing/eu/VAT_KEY": "vat-eu",
      "/shared/SHARED_TOKEN": "shared-tok",
    });
    p.secrets.find((s) => s.key === "DB_USER")!.versions.unshift("shop-v1");
    p.imports.push({ env: "prod", path: "/", fromEnv: "prod", fromPath: "/shared" });
    fake.addProject("other", "prod", { OTHER: "x" });
    kube = new MemoryKubeAccess().setSecret("team", "infisical", { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "inf", namespace: "team" };
  });

  describe("readiness", () => {
    test("validate() is ready with good credentials and not ready, naming the scope and cause, with a foreign project", async () => {
      assert.deepEqual(await (await client()).validate(), { ready: true });
      fake.access.set("identity-ua", new Set(["other"]));
      const v = await (await client()).validate();
      assert.equal(v.ready, false);
      assert.match(v.message!, /project:shop environment:prod secret-path:\/ recursive:false/);
      assert.match(v.message!, /authentication failed \(HTTP 403\).*not allowed/);
    });

    test("bad universal auth credentials fail the login with ProviderAuthError", async () => {
      kube.setSecret("team", "infisical", { clientId: CLIENT_ID, clientSecret: "wrong-secret" });
      await assert.rejects(
        client(),
        (e: Error) => e instanceof ProviderAuthError && /universal-auth login/.test(e.message),
      );
    });

    test("validate(spec) names each bad field", () => {
      const r = infisicalProvider.validate(
        {
          hostAPI: "not a url",
          auth: { universalAuthCredentials: { clientId: { name: "s" }, clientSecret: { name: "s", key: "k" } } },
          secretsScope: { projectSlug: "", environmentSlug: "" },
          caProvider: { type: "Secret", name: "ca", key: "ca.crt" },
        } as any,
        "ClusterSecretStore",
      );
      for (const field of [
        "spec.provider.infisical.hostAPI",
        "secretsScope.projectSlug",
        "secretsScope.environmentSlug",
        "universalAuthCredentials.clientId.key",
        "caProvider.namespace",
      ]) {
        assert.ok(
          r.errors.some((e) => e.includes(field)),
          `${field} in ${r.errors.join("; ")}`,
        );
      }
      assert.deepEqual(infisicalProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
      const none = infisicalProvider.validate({ ...spec(), auth: {} }, "SecretStore");
      assert.match(none.errors.join(), /authentication method not found/);
      const two = infisicalProvider.validate(
        { ...spec(), auth: { ...spec().auth, tokenAuthCredentials: { accessToken: { name: "t", key: "t" } } } },
        "SecretStore",
      );
      assert.match(two.warnings.join(), /universalAuthCredentials is used \(tokenAuthCredentials ignored\)/);
    });

    test("a SecretStore is warned that operator-identity methods will not work for it", () => {
      const kubeAuth = { kubernetesAuthCredentials: { identityId: { name: "s", key: "id" } } };
      const w = infisicalProvider.validate({ ...spec(), auth: kubeAuth }, "SecretStore").warnings;
      assert.match(w.join(), /kubernetesAuthCredentials: reads the operator's own token/);
      const aws = { awsAuthCredentials: { identityId: { name: "s", key: "id" } } };
      assert.match(
        infisicalProvider.validate({ ...spec(), auth: aws }, "SecretStore").warnings.join(),
        /refuse-ambient-credentials-for-namespaced-stores/,
      );
      assert.deepEqual(infisicalProvider.validate({ ...spec(), auth: aws }, "ClusterSecretStore").warnings, []);
    });

    test("hostAPI with or without /api reaches the same API; the default is app.infisical.com", async () => {
      const c = await client(spec({ hostAPI: fake.url }));
      assert.equal((await c.getSecret({ key: "DB_USER" })).toString(), "shop");
      assert.ok(fake.requests.every((r) => r.path.startsWith("/api/")));
    });
  });

  describe("reads", () => {
    test("getSecret: value, property, version, and secret references expanded", async () => {
      const c = await client();
      assert.equal((await c.getSecret({ key: "DB_PASSWORD" })).toString(), DB_PASSWORD);
      assert.equal((await c.getSecret({ key: "CONFIG", property: "nested.port" })).toString(), "5432");
      assert.equal((await c.getSecret({ key: "DB_USER", version: "1" })).toString(), "shop-v1");
      assert.equal((await c.getSecret({ key: "DB_USER", version: "latest" })).toString(), "shop");
      assert.equal((await c.getSecret({ key: "DSN" })).toString(), `postgres://shop:${DB_PASSWORD}@db`);
      const read = fake.requests.find((r) => r.path === "/api/v3/secrets/raw/DB_PASSWORD")!;
      assert.equal(read.query.workspaceSlug, "shop");
      assert.equal(read.query.environment, "prod");
      assert.equal(read.query.include_imports, "true");
      await assert.rejects(c.getSecret({ key: "DB_USER", version: "one" }), StoreConfigError);
    });

    test("expandSecretReferences: false returns references as written", async () => {
      const c = await client(spec({}, { expandSecretReferences: false }));
      assert.equal((await c.getSecret({ key: "DSN" })).toString(), "postgres://${DB_USER}:${DB_PASSWORD}@db");
    });

    test("keys address folders: bare in secretsPath, relative under it, absolute from the root", async () => {
      const c = await client(spec({}, { secretsPath: "/billing" }));
      assert.equal((await c.getSecret({ key: "STRIPE_KEY" })).toString(), "sk_live_billing");
      assert.equal((await c.getSecret({ key: "eu/VAT_KEY" })).toString(), "vat-eu");
      assert.equal((await c.getSecret({ key: "/DB_USER" })).toString(), "shop");
      assert.equal(fake.requests.find((r) => r.path.endsWith("/VAT_KEY"))!.query.secretPath, "/billing/eu");
    });

    test("imported secrets are readable by name and listed by find", async () => {
      const c = await client();
      assert.equal((await c.getSecret({ key: "SHARED_TOKEN" })).toString(), "shared-tok");
      const all = await c.getAllSecrets({});
      assert.equal(all.SHARED_TOKEN!.toString(), "shared-tok");
    });

    test("getSecretMap of a JSON secret", async () => {
      const c = await client();
      assert.deepEqual(text(await c.getSecretMap({ key: "CONFIG" })), { user: "admin", nested: '{"port":5432}' });
    });

    test("getAllSecrets: by name regexp; recursive with path; tags not supported", async () => {
      const c = await client();
      assert.deepEqual(Object.keys(await c.getAllSecrets({ name: { regexp: "^DB_" } })).sort(), [
        "DB_PASSWORD",
        "DB_USER",
      ]);
      const rc = await client(spec({}, { recursive: true }));
      const billing = await rc.getAllSecrets({ path: "/billing" });
      assert.deepEqual(text(billing), { STRIPE_KEY: "sk_live_billing", VAT_KEY: "vat-eu" });
      // Seven: /shared is both a subfolder and imported into the root, and SHARED_TOKEN is listed once.
      assert.equal(Object.keys(await rc.getAllSecrets({})).length, 7);
      await assert.rejects(c.getAllSecrets({ tags: { team: "a" } }), NotSupportedError);
    });
  });

  describe("push, exists, delete", () => {
    const source = { name: "src", namespace: "team", data: { pw: Buffer.from("pushed-pw"), user: Buffer.from("u") } };

    test("push creates, then updates only when the value changed; exists and delete", async () => {
      const c = await client();
      await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "NEW_PW" } });
      const p = fake.projects.get("shop")!;
      assert.deepEqual(p.secrets.find((s) => s.key === "NEW_PW")!.versions, ["pushed-pw"]);
      const create = fake.requests.find((r) => r.method === "POST" && r.path === "/api/v3/secrets/raw/NEW_PW");
      assert.ok(create);
      await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "NEW_PW" } });
      assert.equal(p.secrets.find((s) => s.key === "NEW_PW")!.versions.length, 1, "no new version when unchanged");
      await c.pushSecret(
        { ...source, data: { pw: Buffer.from("v2") } },
        { secretKey: "pw", remoteRef: { remoteKey: "NEW_PW" } },
      );
      assert.deepEqual(p.secrets.find((s) => s.key === "NEW_PW")!.versions, ["pushed-pw", "v2"]);
      assert.equal(
        fake.requests.filter((r) => r.path.startsWith("/api/v1/projects/slug/")).length,
        1,
        "project id cached",
      );
      assert.equal(await c.secretExists({ remoteKey: "NEW_PW" }), true);
      await c.deleteSecret({ remoteKey: "NEW_PW" });
      assert.equal(await c.secretExists({ remoteKey: "NEW_PW" }), false);
      await c.deleteSecret({ remoteKey: "NEW_PW" });
    });

    test("push into a folder, the whole Secret as JSON, and by property", async () => {
      const c = await client(spec({}, { secretsPath: "/billing" }));
      await c.pushSecret(source, { remoteRef: { remoteKey: "eu/ALL" } });
      const p = fake.projects.get("shop")!;
      const all = p.secrets.find((s) => s.key === "ALL")!;
      assert.equal(all.path, "/billing/eu");
      assert.deepEqual(JSON.parse(all.versions.at(-1)!), { pw: "pushed-pw", user: "u" });
      await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "PROPS", property: "a" } });
      await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "PROPS", property: "b" } });
      const props = p.secrets.find((s) => s.key === "PROPS")!;
      assert.deepEqual(JSON.parse(props.versions.at(-1)!), { a: "u", b: "pushed-pw" });
      assert.equal(await c.secretExists({ remoteKey: "PROPS", property: "a" }), true);
      await c.deleteSecret({ remoteKey: "PROPS", property: "a" });
      assert.deepEqual(JSON.parse(props.versions.at(-1)!), { b: "pushed-pw" });
      assert.equal(await c.secretExists({ remoteKey: "PROPS", property: "a" }), false);
      await c.deleteSecret({ remoteKey: "PROPS", property: "b" });
      assert.equal(await c.secretExists({ remoteKey: "PROPS" }), false, "the last property deletes the secret");
    });

    test("older Infisical: the project lookup falls back to /v1/workspace/slug", async () => {
      fake.legacyProjectRoute = true;
      const c = await client();
      await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "LEGACY" } });
      assert.ok(fake.projects.get("shop")!.secrets.some((s) => s.key === "LEGACY"));
      assert.ok(fake.requests.some((r) => r.path === "/api/v1/workspace/slug/shop"));
    });

    test("a cached project id that went stale (project recreated) is resolved again once", async () => {
      const c = await client();
      await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "A" } });
      fake.projects.get("shop")!.id = "recreated-project-id";
      await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "B" } });
      assert.ok(fake.projects.get("shop")!.secrets.some((s) => s.key === "B"));
      assert.equal(fake.requests.filter((r) => r.path === "/api/v1/projects/slug/shop").length, 2);
    });
  });

  describe("failures", () => {
    test("not found is NoSecretError naming the key (and the folder)", async () => {
      const c = await client(spec({}, { secretsPath: "/billing" }));
      await assert.rejects(c.getSecret({ key: "MISSING" }), (e: Error) => {
        return e instanceof NoSecretError && e.message.includes('"/billing/MISSING"');
      });
      await assert.rejects(c.getSecret({ key: "STRIPE_KEY", property: "nope" }), NoSecretError);
      await assert.rejects(c.getSecret({ key: "STRIPE_KEY", version: "9" }), NoSecretError);
    });

    test("401, 403, 429 and 5xx map to their errors", async () => {
      const c = await client();
      fake.faults.push(401);
      await assert.rejects(c.getSecret({ key: "DB_USER" }), ProviderAuthError);
      fake.faults.push(403);
      await assert.rejects(c.getSecret({ key: "DB_USER" }), ProviderAuthError);
      fake.faults.push(429);
      await assert.rejects(c.getSecret({ key: "DB_USER" }), ProviderThrottledError);
      fake.faults.push(503);
      await assert.rejects(c.getSecret({ key: "DB_USER" }), (e: Error) => /HTTP 503/.test(e.message));
      fake.faults.push(429);
      await assert.rejects(client(spec(), { ...ctx, caches: new ClientCaches() }), ProviderThrottledError);
    });

    test("a hung server fails at the reconcile deadline", async () => {
      const c = await client(spec(), { ...ctx, deadline: Date.now() + 300 });
      fake.faults.push({ hang: true });
      const t0 = Date.now();
      await assert.rejects(c.getSecret({ key: "DB_USER" }), /timed out/);
      assert.ok(Date.now() - t0 < 5000);
    });

    test("no secret value, credential or token appears in any error", async () => {
      const messages: string[] = [];
      const collect = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e) {
          messages.push((e as Error).message);
        }
      };
      const c = await client();
      const token = [...fake.tokens.keys()][0]!;
      await collect(c.getSecret({ key: "CONFIG", property: "missing" }));
      await collect(c.getSecretMap({ key: "DB_PASSWORD" }));
      await collect(c.getSecret({ key: "NOPE" }));
      fake.faults.push(500);
      await collect(c.getSecret({ key: "DB_PASSWORD" }));
      fake.access.set("identity-ua", new Set(["other"]));
      await collect(c.getSecret({ key: "DB_PASSWORD" }));
      messages.push((await c.validate()).message ?? "");
      kube.setSecret("team", "infisical", { clientId: CLIENT_ID, clientSecret: "bad-secret-guess" });
      await collect(client(spec(), { ...ctx, caches: new ClientCaches() }));
      assert.ok(messages.length >= 7);
      for (const m of messages) {
        for (const secret of [DB_PASSWORD, "admin", CLIENT_SECRET, "bad-secret-guess", token]) {
          assert.ok(!m.includes(secret), `"${m}" leaks ${secret}`);
        }
      }
    });
  });

  describe("logins", () => {
    test("a store logs in once and reuses its token across clients; a refused token is dropped", async () => {
      await (await client()).getSecret({ key: "DB_USER" });
      await (await client()).getSecret({ key: "DB_USER" });
      assert.equal(logins(), 1);
      fake.tokens.clear(); // the token was revoked server-side
      const stale = await client();
      await assert.rejects(stale.getSecret({ key: "DB_USER" }), ProviderAuthError);
      assert.equal((await (await client()).getSecret({ key: "DB_USER" })).toString(), "shop");
      assert.equal(logins(), 2);
    });

    test("a token near expiry is replaced by a new login", async () => {
      fake.tokenTtl = 30; // the margin before expiry is a third of the lifetime: 10 s
      try {
        await client();
        await client();
        assert.equal(logins(), 1);
        fake.tokenTtl = 3; // 1 s margin, token issued with 3 s
        const caches = new ClientCaches();
        await client(spec(), { ...ctx, caches });
        await new Promise((r) => setTimeout(r, 2100));
        await client(spec(), { ...ctx, caches });
        assert.equal(logins(), 3);
      } finally {
        fake.tokenTtl = 7200;
      }
    });

    test("tokenAuthCredentials sends the given token without a login", async () => {
      const token = fake.issue("identity-token");
      kube.setSecret("team", "tok", { token });
      const c = await client(spec({ auth: { tokenAuthCredentials: { accessToken: { name: "tok", key: "token" } } } }));
      assert.equal((await c.getSecret({ key: "DB_USER" })).toString(), "shop");
      assert.equal(logins(), 0);
      assert.equal(fake.requests[0]!.authorization, `Bearer ${token}`);
    });

    test("jwtAuthCredentials and ldapAuthCredentials send their proof (LDAP username and password unswapped)", async () => {
      fake.logins.set("jwt-auth", (b) =>
        b.identityId === "id-jwt" && b.jwt === "eyJ.jwt.sig" ? "identity-jwt" : undefined,
      );
      fake.logins.set("ldap-auth", (b) =>
        b.identityId === "id-ldap" && b.username === "alice" && b.password === "ldap-pw" ? "identity-ldap" : undefined,
      );
      kube.setSecret("team", "creds", {
        id: "id-jwt",
        jwt: "eyJ.jwt.sig",
        lid: "id-ldap",
        user: "alice",
        pw: "ldap-pw",
      });
      const jwt = {
        jwtAuthCredentials: { identityId: { name: "creds", key: "id" }, jwt: { name: "creds", key: "jwt" } },
      };
      assert.equal((await (await client(spec({ auth: jwt }))).getSecret({ key: "DB_USER" })).toString(), "shop");
      const ldap = {
        ldapAuthCredentials: {
          identityId: { name: "creds", key: "lid" },
          ldapUsername: { name: "creds", key: "user" },
          ldapPassword: { name: "creds", key: "pw" },
        },
      };
      assert.equal((await (await client(spec({ auth: ldap }))).getSecret({ key: "DB_USER" })).toString(), "shop");
    });
  });

  test("caBundle and caProvider: the TLS server is trusted through the store's CA only", async () => {
    const cert = selfSignedCert("127.0.0.1");
    const tlsFake = await startInfisicalFake({ key: cert.keyPem, cert: cert.certPem });
    try {
      tlsFake.logins.set("universal-auth", (b) => (b.clientSecret === CLIENT_SECRET ? "identity-ua" : undefined));
      tlsFake.addProject("shop", "prod", { DB_USER: "tls-shop" });
      const base = spec({ hostAPI: tlsFake.url });
      await assert.rejects(client(base), /universal-auth login: request failed/);
      const bundle = await client({ ...base, caBundle: Buffer.from(cert.certPem).toString("base64") });
      assert.equal((await bundle.getSecret({ key: "DB_USER" })).toString(), "tls-shop");
      kube.setConfigMap("team", "ca", { "ca.crt": cert.certPem });
      const provider = await client(
        { ...base, caProvider: { type: "ConfigMap", name: "ca", key: "ca.crt" } },
        { ...ctx, caches: new ClientCaches() },
      );
      assert.equal((await provider.getSecret({ key: "DB_USER" })).toString(), "tls-shop");
    } finally {
      await tlsFake.close();
    }
  });

  describe("tenancy", () => {
    test("a SecretStore naming a credential in another namespace fails with StoreConfigError", async () => {
      kube.setSecret("other", "infisical", { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      const s = spec({
        auth: {
          universalAuthCredentials: {
            clientId: { name: "infisical", key: "clientId", namespace: "other" },
            clientSecret: { name: "infisical", key: "clientSecret", namespace: "other" },
          },
        },
      });
      await assert.rejects(
        client(s),
        (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
      );
      assert.equal(logins(), 0);
      const cluster = await client(s, { ...ctx, storeKind: "ClusterSecretStore" });
      assert.equal((await cluster.getSecret({ key: "DB_USER" })).toString(), "shop");
    });

    test("stores with different credentials never share a login", async () => {
      fake.logins.set("universal-auth", (b) =>
        b.clientSecret === CLIENT_SECRET ? "identity-ua" : b.clientSecret === "tenant-b" ? "identity-b" : undefined,
      );
      fake.access.set("identity-b", new Set(["other"]));
      kube.setSecret("team-b", "infisical", { clientId: CLIENT_ID, clientSecret: "tenant-b" });
      await (await client()).getSecret({ key: "DB_USER" });
      const b = await client(spec(), { ...ctx, namespace: "team-b" });
      await assert.rejects(b.getSecret({ key: "DB_USER" }), ProviderAuthError);
      assert.equal(logins(), 2);
    });
  });
});
