import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { ConjurProvider } from "../../src/api/providers/conjur.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { conjurProvider } from "../../src/providers/conjur/index.js";
import { StoreConfigError } from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { FakeCloudMetadata } from "../fakes/akeyless-cloud.js";
import { ConjurFake } from "../fakes/conjur-server.js";
import { MemoryKubeAccess, TEST_TOKEN_ISSUER } from "../support/memory-kube-access.js";

const NS = "team";
const DB_PASSWORD = "cl0ud-auth-db-pw";
const HOST = "data/myapp/myhost";
const ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "GCE_METADATA_HOST",
] as const;

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
/** A token shaped like a Google identity token (the fake checks claims, as Conjur does after the signature). */
const googleJwt = (aud: string) =>
  `${b64url({ alg: "RS256" })}.${b64url({ iss: "https://accounts.google.com", aud, exp: Math.floor(Date.now() / 1000) + 600 })}.sig`;

describe("conjur cloud authenticators (authn-azure, authn-gcp, authn-iam)", () => {
  let fake: ConjurFake;
  let metadata: FakeCloudMetadata;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let cluster: ProviderContext;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    for (const k of ENV) saved[k] = process.env[k];
    fake = await new ConjurFake().start();
    metadata = await new FakeCloudMetadata().start();
    fake.gcpMetadata = metadata;
    process.env.AWS_ACCESS_KEY_ID = "AKIAOPERATOR";
    process.env.AWS_SECRET_ACCESS_KEY = "operator-secret-key";
    process.env.AWS_SESSION_TOKEN = "operator-session";
    process.env.AWS_CONFIG_FILE = "/nonexistent";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent";
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    delete process.env.AWS_PROFILE;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = metadata.url;
    process.env.GCE_METADATA_HOST = metadata.url.replace(/^http:\/\//, "");
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await fake.stop();
    await metadata.close();
  });
  beforeEach(() => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    fake.requests.length = 0;
    fake.logins.length = 0;
    fake.lastRefusal = "";
    fake.azureServices.clear();
    fake.gcpHosts.clear();
    fake.iamServices.clear();
    metadata.requests.length = 0;
    fake.setVariable("prod/db/password", DB_PASSWORD);
    kube = new MemoryKubeAccess();
    kube.setServiceAccount(NS, "my-service-account");
    fake.jwtVerify = (jwt) => kube.verifyToken(jwt);
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "conjur", namespace: NS };
    cluster = { ...ctx, caches: new ClientCaches(), storeKind: "ClusterSecretStore", storeName: "conjur-cluster" };
  });
  afterEach(() => configureTenantPolicy());

  const spec = (auth: ConjurProvider["auth"]): ConjurProvider => ({ url: fake.url, auth });
  const read = async (s: ConjurProvider, c: ProviderContext = ctx) =>
    (await (await conjurProvider.newClient(s, c)).getSecret({ key: "prod/db/password" })).toString();
  const refusedWith = async (s: ConjurProvider, c: ProviderContext) => {
    const res = await (await conjurProvider.newClient(s, c)).validate();
    assert.equal(res.ready, false);
    return res.message ?? "";
  };
  const loginPaths = () => fake.requests.filter((r) => r.path.startsWith("/authn")).map((r) => r.path);

  describe("validate(spec)", () => {
    test("the three methods with upstream's fields pass; missing account, serviceID and hostId are named", () => {
      const ok = [
        { azure: { account: "myorg", serviceID: "prod", hostId: HOST, clientId: "mi-client" } },
        {
          azure: {
            account: "myorg",
            serviceID: "prod",
            hostId: HOST,
            serviceAccountRef: { name: "sa", audiences: ["conjur"] },
          },
        },
        { gcp: { account: "myorg", hostId: HOST } },
        {
          gcp: { account: "myorg", serviceID: "prod", hostId: HOST, secretRef: { jwt: { name: "gcp", key: "token" } } },
        },
        { iam: { account: "myorg", serviceID: "prod", hostId: "data/myapp/123456789012/MyRole" } },
      ] as ConjurProvider["auth"][];
      for (const auth of ok)
        assert.deepEqual(conjurProvider.validate(spec(auth), "SecretStore").errors, [], JSON.stringify(auth));

      const bad = conjurProvider.validate(
        spec({
          iam: { account: "", serviceID: "", hostId: "", secretRef: { accessKeyIDSecretRef: { name: "aws" } } },
        } as any),
        "SecretStore",
      );
      assert.deepEqual(bad.errors, [
        "spec.provider.conjur.auth.iam.account: is required",
        "spec.provider.conjur.auth.iam.serviceID: is required",
        "spec.provider.conjur.auth.iam.hostId: is required",
        "spec.provider.conjur.auth.iam.secretRef.accessKeyIDSecretRef.key: is required",
        "spec.provider.conjur.auth.iam.secretRef.secretAccessKeySecretRef.name: is required",
      ]);
      const azure = conjurProvider.validate(
        spec({
          azure: { account: "a", serviceID: "s", hostId: "h", serviceAccountRef: { name: "sa", namespace: "other" } },
        }),
        "SecretStore",
      );
      assert.deepEqual(azure.errors, [
        "spec.provider.conjur.auth.azure.serviceAccountRef.namespace: a SecretStore may not reference another namespace",
      ]);
      const two = conjurProvider.validate(
        spec({ gcp: { account: "a", hostId: "h" }, iam: { account: "a", serviceID: "s", hostId: "h" } }),
        "ClusterSecretStore",
      );
      assert.deepEqual(two.errors, [
        "spec.provider.conjur.auth: exactly one of apikey, jwt, cert, iam, azure or gcp must be set",
      ]);
    });
  });

  describe("authn-azure", () => {
    test("the managed identity's ARM token from IMDS (with clientId) logs in as host/{hostId}", async () => {
      fake.azureServices.set("prod", { host: `host/${HOST}`, metadata });
      const s = spec({ azure: { account: "myorg", serviceID: "prod", hostId: HOST, clientId: "mi-client-id" } });
      assert.equal(await read(s, cluster), DB_PASSWORD);
      assert.deepEqual(loginPaths(), ["/authn-azure/prod/myorg/host%2Fdata%2Fmyapp%2Fmyhost/authenticate"]);
      assert.equal(metadata.requests.length, 1);
      const q = new URL(metadata.requests[0]!.split(" ")[1]!, "http://x").searchParams;
      assert.equal(q.get("resource"), "https://management.azure.com/");
      assert.equal(q.get("client_id"), "mi-client-id");
      assert.deepEqual(fake.logins, [`azure:host/${HOST}`]);
      await read(s, cluster);
      assert.equal(metadata.requests.length, 1, "the Conjur token is reused: no new IMDS token");
    });

    test("serviceAccountRef: a TokenRequest with the store's audiences, and no IMDS call; a wrong audience is refused", async () => {
      fake.azureServices.set("prod", { host: `host/${HOST}`, issuer: TEST_TOKEN_ISSUER, audience: "conjur" });
      const auth = { account: "myorg", serviceID: "prod", hostId: HOST };
      const s = spec({ azure: { ...auth, serviceAccountRef: { name: "my-service-account", audiences: ["conjur"] } } });
      assert.equal(await read(s), DB_PASSWORD);
      assert.deepEqual(kube.issued, [
        { namespace: NS, serviceAccount: "my-service-account", audiences: ["conjur"], expirationSeconds: 600 },
      ]);
      assert.equal(metadata.requests.length, 0);

      const other = spec({
        azure: { ...auth, serviceAccountRef: { name: "my-service-account", audiences: ["vault"] } },
      });
      assert.match(
        await refusedWith(other, { ...ctx, caches: new ClientCaches() }),
        /authn-azure\/prod: authentication refused/,
      );
      assert.equal(fake.lastRefusal, "wrong audience");
    });

    test("a token for another host is refused, and the error carries no token", async () => {
      fake.azureServices.set("prod", { host: "host/data/other", metadata });
      const msg = await refusedWith(spec({ azure: { account: "myorg", serviceID: "prod", hostId: HOST } }), cluster);
      assert.match(msg, /authentication refused/);
      for (const token of metadata.issued.keys()) assert.ok(!msg.includes(token));
    });
  });

  describe("authn-gcp", () => {
    test("the metadata server's identity token for conjur/{account}/host/{hostId} (format=full), no service id in the URL", async () => {
      fake.gcpHosts.add(`host/${HOST}`);
      const s = spec({ gcp: { account: "myorg", serviceID: "prod", hostId: HOST } });
      assert.equal(await read(s, cluster), DB_PASSWORD);
      assert.deepEqual(loginPaths(), ["/authn-gcp/myorg/authenticate"]);
      const q = new URL(metadata.requests[0]!.split(" ")[1]!, "http://x").searchParams;
      assert.equal(q.get("audience"), `conjur/myorg/host/${HOST}`);
      assert.equal(q.get("format"), "full");
      assert.deepEqual(fake.logins, [`gcp:host/${HOST}`]);
    });

    test("secretRef.jwt: the token from the store's Secret, no metadata call; a token for another host is refused", async () => {
      fake.gcpHosts.add(`host/${HOST}`);
      kube.setSecret(NS, "gcp-token-secret", { token: googleJwt(`conjur/myorg/host/${HOST}`) });
      const s = spec({
        gcp: { account: "myorg", hostId: HOST, secretRef: { jwt: { name: "gcp-token-secret", key: "token" } } },
      });
      assert.equal(await read(s), DB_PASSWORD);
      assert.equal(metadata.requests.length, 0);

      const wrong = googleJwt("conjur/myorg/host/data/intruder");
      kube.setSecret(NS, "gcp-token-secret", { token: wrong });
      const msg = await refusedWith(s, { ...ctx, caches: new ClientCaches() });
      assert.match(msg, /authn-gcp: authentication refused/);
      assert.ok(!msg.includes(wrong));
    });
  });

  describe("authn-iam", () => {
    const iam = (extra: object = {}) =>
      spec({ iam: { account: "myorg", serviceID: "prod", hostId: "data/myapp/123456789012/MyRole", ...extra } });
    const keys = {
      accessKeyIDSecretRef: { name: "aws", key: "id" },
      secretAccessKeySecretRef: { name: "aws", key: "secret" },
      sessionTokenSecretRef: { name: "aws", key: "session" },
    };

    test("secretRef keys sign GET sts:GetCallerIdentity; the headers are posted as JSON and verify", async () => {
      fake.iamServices.set("prod", {
        keys: new Map([
          [
            "AKIATENANT",
            {
              host: "host/data/myapp/123456789012/MyRole",
              secretAccessKey: "tenant-secret",
              sessionToken: "tenant-session",
            },
          ],
        ]),
      });
      kube.setSecret(NS, "aws", { id: "AKIATENANT", secret: "tenant-secret", session: "tenant-session" });
      assert.equal(await read(iam({ secretRef: keys })), DB_PASSWORD, fake.lastRefusal);
      const login = fake.requests.find((r) => r.path.startsWith("/authn-iam/"))!;
      assert.equal(login.path, "/authn-iam/prod/myorg/host%2Fdata%2Fmyapp%2F123456789012%2FMyRole/authenticate");
      const headers = JSON.parse(login.body);
      assert.deepEqual(Object.keys(headers).sort(), ["Authorization", "Host", "X-Amz-Date", "X-Amz-Security-Token"]);
      assert.equal(headers.Host, "sts.us-east-1.amazonaws.com");
    });

    test("AWS_REGION picks the regional endpoint and signing region; a wrong secret key fails without leaking it", async () => {
      process.env.AWS_REGION = "eu-west-1";
      fake.iamServices.set("prod", {
        keys: new Map([
          ["AKIATENANT", { host: "host/data/myapp/123456789012/MyRole", secretAccessKey: "tenant-secret" }],
        ]),
      });
      kube.setSecret(NS, "aws", { id: "AKIATENANT", secret: "tenant-secret" });
      const noSession = {
        accessKeyIDSecretRef: keys.accessKeyIDSecretRef,
        secretAccessKeySecretRef: keys.secretAccessKeySecretRef,
      };
      assert.equal(await read(iam({ secretRef: noSession })), DB_PASSWORD, fake.lastRefusal);
      const body = JSON.parse(fake.requests.find((r) => r.path.startsWith("/authn-iam/"))!.body);
      assert.equal(body.Host, "sts.eu-west-1.amazonaws.com");
      assert.match(body.Authorization, /\/eu-west-1\/sts\/aws4_request/);

      kube.setSecret(NS, "aws", { id: "AKIATENANT", secret: "stolen-wrong-secret" });
      const msg = await refusedWith(iam({ secretRef: noSession }), { ...ctx, caches: new ClientCaches() });
      assert.equal(fake.lastRefusal, "signature mismatch");
      assert.match(msg, /authn-iam\/prod: authentication refused/);
      assert.ok(!msg.includes("stolen-wrong-secret"));
    });

    test("without secretRef, the operator's default credential chain signs (IRSA, instance profile, env)", async () => {
      fake.iamServices.set("prod", {
        keys: new Map([
          [
            "AKIAOPERATOR",
            {
              host: "host/data/myapp/123456789012/MyRole",
              secretAccessKey: "operator-secret-key",
              sessionToken: "operator-session",
            },
          ],
        ]),
      });
      assert.equal(await read(iam(), cluster), DB_PASSWORD, fake.lastRefusal);
      assert.deepEqual(fake.logins, ["iam:host/data/myapp/123456789012/MyRole"]);
    });
  });

  describe("tenant policy (--refuse-ambient-credentials-for-namespaced-stores)", () => {
    test("SecretStores may not use the operator's Azure, GCP or AWS identity; nothing is fetched or sent", async () => {
      configureTenantPolicy({ refuseAmbientCredentials: true });
      const ambient = [
        spec({ azure: { account: "myorg", serviceID: "prod", hostId: HOST } }),
        spec({ gcp: { account: "myorg", hostId: HOST } }),
        spec({ iam: { account: "myorg", serviceID: "prod", hostId: HOST } }),
      ];
      for (const s of ambient) {
        await assert.rejects(conjurProvider.newClient(s, ctx), (e: Error) => {
          assert.ok(e instanceof StoreConfigError);
          assert.match(
            e.message,
            /^spec\.provider\.conjur\.auth\.(azure|gcp|iam): a SecretStore or generator must set .*refused for namespaced stores/,
          );
          return true;
        });
      }
      assert.equal(metadata.requests.length, 0);
      assert.equal(fake.requests.length, 0);
    });

    test("under that policy ClusterSecretStores keep the ambient identity and SecretStores their own credentials", async () => {
      configureTenantPolicy({ refuseAmbientCredentials: true });
      fake.gcpHosts.add(`host/${HOST}`);
      assert.equal(await read(spec({ gcp: { account: "myorg", hostId: HOST } }), cluster), DB_PASSWORD);
      fake.azureServices.set("prod", { host: `host/${HOST}`, issuer: TEST_TOKEN_ISSUER, audience: "conjur" });
      const sa = { name: "my-service-account", audiences: ["conjur"] };
      assert.equal(
        await read(spec({ azure: { account: "myorg", serviceID: "prod", hostId: HOST, serviceAccountRef: sa } })),
        DB_PASSWORD,
      );
    });

    test("without the policy a SecretStore may use the ambient identity, as upstream", async () => {
      fake.gcpHosts.add(`host/${HOST}`);
      assert.equal(await read(spec({ gcp: { account: "myorg", hostId: HOST } })), DB_PASSWORD);
    });
  });
});
