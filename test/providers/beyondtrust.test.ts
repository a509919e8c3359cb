import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { BeyondtrustProvider } from "../../src/api/providers/beyondtrust.js";
import { beyondtrustProvider } from "../../src/providers/beyondtrust/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { selfSignedCert } from "../fakes/azurekv-server.js";
import { FakePasswordSafe } from "../fakes/passwordsafe-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const API_KEY = "c479a66f-psafe-api-key";
const ACCOUNT_PW = "Acc0unt-Pa55w0rd!";
const CRED_PW = "Cr3d-Secret-Value";

describe("beyondtrust provider (Password Safe)", () => {
  let fake: FakePasswordSafe;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await new FakePasswordSafe().start();
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.secrets.length = 0;
    fake.folders.length = 0;
    fake.addApiKey(API_KEY).addClient("client-1", "client-secret-1");
    fake.addManagedAccount("db-server", "svc_app", ACCOUNT_PW);
    fake.addSecret({ Title: "db-cred", FolderPath: "apps/prod", SecretType: "Credential", Password: CRED_PW });
    fake.addSecret({ Title: "motd", FolderPath: "apps/prod", SecretType: "Text", Password: "hello text" });
    fake.addSecret({ Title: "tls.pem", FolderPath: "apps", SecretType: "File", FileContent: "-----FILE-----" });
    kube = new MemoryKubeAccess().setSecret("ns", "bt", { apikey: API_KEY, id: "client-1", secret: "client-secret-1" });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "bt", namespace: "ns" };
  });

  const spec = (server: Partial<BeyondtrustProvider["server"]> = {}, auth?: BeyondtrustProvider["auth"]) =>
    ({
      auth: auth ?? { apiKey: { secretRef: { name: "bt", key: "apikey" } } },
      server: { apiUrl: fake.apiUrl, verifyCA: true, ...server },
    }) as BeyondtrustProvider;

  test("store readiness: signs in with the API key; a wrong key is not ready and names the cause", async () => {
    const c = await beyondtrustProvider.newClient(spec(), ctx);
    assert.deepEqual(await c.validate(), { ready: true });
    const signIn = fake.requests.find((r) => r.path === "Auth/SignAppin");
    assert.equal(signIn?.authorization, `PS-Auth key=${API_KEY};`);
    await c.close();
    assert.equal(fake.signOuts, 1);

    const bad = await beyondtrustProvider.newClient(spec({}, { apiKey: { value: "wrong-key" } }), ctx);
    const v = await bad.validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /sign in: authentication failed \(HTTP 401\)/);
  });

  test("validate(spec) names each bad field and warns on verifyCA false", () => {
    const r = beyondtrustProvider.validate(
      {
        auth: { clientId: { value: "a" }, certificate: { value: "c" } },
        server: { apiUrl: "not a url", verifyCA: false, clientTimeOutSeconds: -1 },
      } as BeyondtrustProvider,
      "SecretStore",
    );
    assert.ok(r.errors.some((e) => e.startsWith("spec.provider.beyondtrust.auth.clientSecret: is required")));
    assert.ok(r.errors.some((e) => e.includes("certificate and certificateKey must be set together")));
    assert.ok(r.errors.some((e) => e.startsWith("spec.provider.beyondtrust.server.apiUrl: invalid host URL")));
    assert.ok(r.errors.some((e) => e.startsWith("spec.provider.beyondtrust.server.clientTimeOutSeconds")));
    assert.ok(r.warnings.some((w) => w.startsWith("spec.provider.beyondtrust.server.verifyCA")));
    const both = beyondtrustProvider.validate(
      {
        auth: { apiKey: { value: "k", secretRef: { name: "s", key: "k" } } },
        server: { apiUrl: "https://h/x", verifyCA: true },
      } as BeyondtrustProvider,
      "SecretStore",
    );
    assert.deepEqual(both.errors, [
      "spec.provider.beyondtrust.auth.apiKey: cannot specify both secret reference and value",
    ]);
    assert.deepEqual(beyondtrustProvider.validate(spec(), "SecretStore"), {
      errors: [],
      warnings: ["spec.provider.beyondtrust.server.apiUrl: plain http sends credentials unencrypted"],
    });
  });

  test("managed account: request, credentials, check-in (the default retrieval type)", async () => {
    const c = await beyondtrustProvider.newClient(spec(), ctx);
    assert.equal((await c.getSecret({ key: "db-server/svc_app" })).toString(), ACCOUNT_PW);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths.slice(1), [
      "GET ManagedAccounts",
      "POST Requests",
      "GET Credentials/100",
      "PUT Requests/100/checkin",
    ]);
    assert.equal(fake.checkIns, 1);
    assert.equal(fake.openRequests.size, 0);
    await c.close();
  });

  test("managed account with a custom separator; a key without one is refused", async () => {
    const c = await beyondtrustProvider.newClient(spec({ separator: "|", retrievalType: "MANAGED_ACCOUNT" }), ctx);
    assert.equal((await c.getSecret({ key: "db-server|svc_app" })).toString(), ACCOUNT_PW);
    await assert.rejects(c.getSecret({ key: "db-server" }), (e: Error) => {
      assert.ok(e instanceof StoreConfigError);
      assert.match(e.message, /invalid retrieval path/);
      return true;
    });
  });

  test("secrets safe: credential, text and file secrets by folder path and title", async () => {
    const c = await beyondtrustProvider.newClient(spec({ retrievalType: "SECRET", apiVersion: "3.1" }), ctx);
    assert.equal((await c.getSecret({ key: "apps/prod/db-cred" })).toString(), CRED_PW);
    assert.equal((await c.getSecret({ key: "apps/prod/motd" })).toString(), "hello text");
    assert.equal((await c.getSecret({ key: "apps/tls.pem" })).toString(), "-----FILE-----");
    const q = fake.requests.find((r) => r.path === "secrets-safe/secrets")!.query;
    assert.equal(q.get("path"), "apps/prod");
    assert.equal(q.get("title"), "db-cred");
    assert.equal(q.get("decrypt"), "true");
    assert.equal(q.get("version"), "3.1");
  });

  test("decrypt: false asks for no password", async () => {
    const c = await beyondtrustProvider.newClient(spec({ retrievalType: "SECRET", decrypt: false }), ctx);
    assert.equal((await c.getSecret({ key: "apps/prod/db-cred" })).toString(), "");
    assert.equal(fake.requests.find((r) => r.path === "secrets-safe/secrets")!.query.get("decrypt"), "false");
  });

  test("OAuth client credentials: a token, then SignAppin with it", async () => {
    const c = await beyondtrustProvider.newClient(
      spec(
        { retrievalType: "SECRET" },
        {
          clientId: { secretRef: { name: "bt", key: "id" } },
          clientSecret: { secretRef: { name: "bt", key: "secret" } },
        },
      ),
      ctx,
    );
    assert.equal((await c.getSecret({ key: "apps/prod/db-cred" })).toString(), CRED_PW);
    assert.equal(fake.requests[0]!.path, "Auth/connect/token");
    assert.match(fake.requests[1]!.authorization ?? "", /^Bearer [0-9a-f]+$/);

    const bad = await beyondtrustProvider.newClient(
      spec({}, { clientId: { value: "client-1" }, clientSecret: { value: "nope" } }),
      ctx,
    );
    await assert.rejects(bad.getSecret({ key: "a/b" }), ProviderAuthError);
  });

  test("maps and find are not implemented; delete is refused", async () => {
    const c = await beyondtrustProvider.newClient(spec(), ctx);
    await assert.rejects(c.getSecretMap({ key: "a/b" }), NotSupportedError);
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), /GetAllSecrets not implemented/);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
  });

  test("push: a credential secret in the named folder, owned by the signed-in user (API 3.0)", async () => {
    fake.addFolder("apps");
    const c = await beyondtrustProvider.newClient(spec({ retrievalType: "SECRET" }), ctx);
    const source = { name: "src", namespace: "ns", data: { pw: Buffer.from("pushed-pw") } };
    await c.pushSecret(source, {
      secretKey: "pw",
      remoteRef: { remoteKey: "pushed" },
      metadata: { title: "pushed", folder_name: "apps", username: "svc", description: "from eso" },
    });
    const s = fake.secrets.find((x) => x.Title === "pushed")!;
    assert.equal(s.Password, "pushed-pw");
    assert.equal(s.SecretType, "Credential");
    assert.equal(s.created!.Username, "svc");
    assert.equal(s.created!.OwnerId, 7);
    assert.deepEqual(s.created!.Owners, [{ OwnerId: 7, Owner: "eso-app", Email: "eso@example.com" }]);
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), true);
    assert.equal(await c.secretExists({ remoteKey: "never-pushed" }), false);
    assert.equal((await c.getSecret({ key: "apps/pushed" })).toString(), "pushed-pw");
  });

  test("push: text and file secrets (API 3.1 owners by group); an unknown folder or type fails", async () => {
    fake.addFolder("apps");
    const c = await beyondtrustProvider.newClient(spec({ retrievalType: "SECRET", apiVersion: "3.1" }), ctx);
    const source = { name: "src", namespace: "ns", data: { t: Buffer.from("some text"), f: Buffer.from("file-body") } };
    await c.pushSecret(source, {
      secretKey: "t",
      remoteRef: { remoteKey: "note" },
      metadata: { folder_name: "apps", secret_type: "text", group_id: 3 },
    });
    const text = fake.secrets.find((x) => x.Title === "note")!;
    assert.equal(text.SecretType, "Text");
    assert.equal(text.Password, "some text");
    assert.deepEqual(text.created!.Owners, [{ GroupId: 3, UserId: 7, Name: "eso-app", Email: "eso@example.com" }]);
    await c.pushSecret(source, {
      secretKey: "f",
      remoteRef: { remoteKey: "cfg" },
      metadata: { title: "cfg", folder_name: "apps", secret_type: "FILE", file_name: "cfg.txt" },
    });
    const file = fake.secrets.find((x) => x.Title === "cfg")!;
    assert.equal(file.FileContent, "file-body");
    assert.equal(file.FileName, "cfg.txt");
    await assert.rejects(
      c.pushSecret(source, { secretKey: "t", remoteRef: { remoteKey: "x" }, metadata: { folder_name: "nope" } }),
      /folder "nope" was not found/,
    );
    await assert.rejects(
      c.pushSecret(source, {
        secretKey: "t",
        remoteRef: { remoteKey: "x" },
        metadata: { folder_name: "apps", secret_type: "blob" },
      }),
      /Unknown secret type/,
    );
  });

  test("failures: not found, 401, 429 and 5xx map to their errors", async () => {
    const c = await beyondtrustProvider.newClient(spec({ retrievalType: "SECRET" }), ctx);
    await assert.rejects(c.getSecret({ key: "apps/prod/missing" }), (e: Error) => {
      assert.ok(e instanceof NoSecretError);
      assert.match(e.message, /secret "apps\/prod\/missing"/);
      return true;
    });
    const m = await beyondtrustProvider.newClient(spec(), ctx);
    await assert.rejects(m.getSecret({ key: "db-server/nobody" }), NoSecretError);
    fake.faults.push(401);
    await assert.rejects(c.getSecret({ key: "apps/prod/db-cred" }), ProviderAuthError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "apps/prod/db-cred" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "apps/prod/db-cred" }), /HTTP 503/);
  });

  test("a hanging server is cut off by the client timeout", async () => {
    const c = await beyondtrustProvider.newClient(spec({ clientTimeOutSeconds: 1 }), ctx);
    fake.faults.push({ hang: true });
    const started = Date.now();
    await assert.rejects(c.getSecret({ key: "db-server/svc_app" }), /timed out/);
    assert.ok(Date.now() - started < 5000);
  });

  test("no secret value, key or token appears in any error", async () => {
    const messages: string[] = [];
    const c = await beyondtrustProvider.newClient(spec({ retrievalType: "SECRET" }), ctx);
    for (const f of [401, 429, 500, 404]) {
      fake.faults.push(f);
      await c.getSecret({ key: "apps/prod/db-cred" }).catch((e: Error) => messages.push(e.message));
    }
    const bad = await beyondtrustProvider.newClient(spec({}, { apiKey: { value: "leaky-wrong-key" } }), ctx);
    messages.push((await bad.validate()).message ?? "");
    assert.equal(messages.length, 5);
    for (const m of messages) {
      for (const secret of [API_KEY, CRED_PW, ACCOUNT_PW, "leaky-wrong-key", "ASP.NET_SessionId"]) {
        assert.ok(!m.includes(secret), `"${m}" leaks`);
      }
    }
  });

  test("tenancy: a SecretStore may not read credentials from another namespace", async () => {
    kube.setSecret("other", "bt", { apikey: API_KEY });
    await assert.rejects(
      beyondtrustProvider.newClient(
        spec({}, { apiKey: { secretRef: { name: "bt", key: "apikey", namespace: "other" } } }),
        ctx,
      ),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
    assert.equal(fake.requests.length, 0);
  });
});

describe("beyondtrust provider over TLS", () => {
  const serverTls = selfSignedCert("127.0.0.1");
  const clientTls = selfSignedCert("eso-client");
  let fake: FakePasswordSafe;
  let ctx: ProviderContext;

  before(async () => {
    fake = await new FakePasswordSafe({
      tls: { key: serverTls.keyPem, cert: serverTls.certPem },
      clientCa: clientTls.certPem,
    }).start();
    fake.addApiKey(API_KEY).addManagedAccount("sys", "acc", ACCOUNT_PW);
    const kube = new MemoryKubeAccess().setSecret("ns", "mtls", { crt: clientTls.certPem, key: clientTls.keyPem });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "bt", namespace: "ns" };
  });
  after(() => fake.stop());

  const spec = (verifyCA: boolean, withCert: boolean) =>
    ({
      auth: {
        apiKey: { value: API_KEY },
        ...(withCert
          ? {
              certificate: { secretRef: { name: "mtls", key: "crt" } },
              certificateKey: { secretRef: { name: "mtls", key: "key" } },
            }
          : {}),
      },
      server: { apiUrl: fake.apiUrl, verifyCA },
    }) as BeyondtrustProvider;

  test("verifyCA: true refuses a server certificate the system roots do not trust", async () => {
    const c = await beyondtrustProvider.newClient(spec(true, true), ctx);
    const v = await c.validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /sign in: request failed/);
  });

  test("mTLS: the client certificate is presented; without it the server refuses", async () => {
    const c = await beyondtrustProvider.newClient(spec(false, true), ctx);
    assert.equal((await c.getSecret({ key: "sys/acc" })).toString(), ACCOUNT_PW);
    const without = await beyondtrustProvider.newClient(spec(false, false), ctx);
    const v = await without.validate();
    assert.equal(v.ready, false);
    assert.match(v.message!, /authentication failed \(HTTP 403\)/);
  });
});
