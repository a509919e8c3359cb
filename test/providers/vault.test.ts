import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { VaultProvider as VaultProviderSpec } from "../../src/api/providers/vault.js";
import { validateObject } from "../../src/api/validation.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient, StoreKind } from "../../src/providers/provider.js";
import { newVaultProvider } from "../../src/providers/vault/index.js";
import { FakeVault, type LoginCheck, makeTestPki, type TestPki } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newVaultProvider({ requestTimeoutMs: 300, maxRetries: 0, retryBaseMs: 5 });
const NS = "production";

let vault: FakeVault;
let kube: MemoryKubeAccess;
/** Logins are kept for the length of one test. */
let caches: ClientCaches;

function ctx(kind: StoreKind = "SecretStore", storeName = "vault-backend", namespace = NS): ProviderContext {
  return { kube, caches, storeKind: kind, storeName, namespace };
}

async function client(spec: Omit<VaultProviderSpec, "server">, c = ctx()): Promise<SecretsClient> {
  return provider.newClient({ server: vault.url, ...spec }, c);
}

const tokenStore = (extra: Partial<VaultProviderSpec> = {}): Omit<VaultProviderSpec, "server"> => ({
  path: "secret",
  version: "v2",
  auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
  ...extra,
});

const kubeCheck =
  (role: string, audience?: string): LoginCheck =>
  (body) => {
    const claims = kube.verifyToken(String(body.jwt ?? ""));
    const audOk = !audience || !!claims?.aud.includes(audience);
    return { ok: body.role === role && !!claims && audOk };
  };

before(async () => {
  vault = await new FakeVault().start();
});
after(async () => {
  await vault.stop();
});

beforeEach(() => {
  caches = new ClientCaches();
  kube = new MemoryKubeAccess()
    .setSecret(NS, "vault-token", { token: "root" })
    .setServiceAccount(NS, "vault-auth-sa")
    .setServiceAccount(NS, "external-secrets");
  vault
    .addToken("root")
    .mountKv("secret", 2)
    .mountKv("kv/data", 2)
    .mountKv("legacy", 1)
    .mountDatabase("database", { readonly: { ttl: 300 } })
    .putSecret("secret", "production/database", { connection_url: "postgres://db", nested: { a: { b: "deep" } } })
    .putSecret("secret", "production/auth", { jwt_secret: "signing" })
    .putSecret("secret", "production/encryption", { aes_256_key: "k256" })
    .putSecret("secret", "myapp", { password: "hunter2" })
    .putSecret("kv/data", "secret/payments/db", { username: "pay", password: "pw" })
    .putSecret("legacy", "app/config", { user: "v1user" });
  vault.requests.length = 0;
});

describe("vault: reads", () => {
  test("KV v2 property, whole JSON, gjson path and versions", async () => {
    const c = await client(tokenStore());
    assert.equal(
      (await c.getSecret({ key: "production/database", property: "connection_url" })).toString(),
      "postgres://db",
    );
    assert.equal((await c.getSecret({ key: "production/database", property: "nested.a.b" })).toString(), "deep");
    assert.deepEqual(JSON.parse((await c.getSecret({ key: "production/auth" })).toString()), { jwt_secret: "signing" });
    vault.putSecret("secret", "production/auth", { jwt_secret: "signing-v2" });
    assert.equal((await c.getSecret({ key: "production/auth", property: "jwt_secret" })).toString(), "signing-v2");
    assert.equal(
      (await c.getSecret({ key: "production/auth", property: "jwt_secret", version: "1" })).toString(),
      "signing",
    );
    const req = vault.requests.find((r) => r.query.get("version") === "1");
    assert.equal(req?.path, "secret/data/production/auth");
    assert.equal(req?.headers["x-vault-token"], "root");
  });

  test("paths follow ESO's buildPath: mount and data/ prefixes in the key are not doubled", async () => {
    const c = await client(tokenStore());
    assert.equal((await c.getSecret({ key: "secret/data/myapp", property: "password" })).toString(), "hunter2");
    assert.equal((await c.getSecret({ key: "secret/myapp", property: "password" })).toString(), "hunter2");
    const noPath = await client({ version: "v2", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } });
    assert.equal((await noPath.getSecret({ key: "secret/myapp", property: "password" })).toString(), "hunter2");
    assert.deepEqual(
      vault.requests.map((r) => r.path),
      ["secret/data/myapp", "secret/data/myapp", "secret/data/myapp"],
    );
  });

  test("missing secret or property is NoSecretError; extract gives a map", async () => {
    const c = await client(tokenStore());
    await assert.rejects(c.getSecret({ key: "production/nope" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "production/auth", property: "missing" }), NoSecretError);
    const m = await c.getSecretMap({ key: "production/database" });
    assert.equal(m.connection_url?.toString(), "postgres://db");
    assert.equal(m.nested?.toString(), '{"a":{"b":"deep"}}');
  });

  test("KV v1 reads and metadata Fetch on KV v2", async () => {
    const v1 = await client({
      path: "legacy",
      version: "v1",
      auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
    });
    assert.equal((await v1.getSecret({ key: "app/config", property: "user" })).toString(), "v1user");
    await assert.rejects(v1.getSecret({ key: "app/config", metadataPolicy: "Fetch" }), /kv version v1/);
    vault.putSecret("secret", "tagged", { a: "1" }, { team: "payments" });
    const c = await client(tokenStore());
    assert.equal(
      (await c.getSecret({ key: "tagged", metadataPolicy: "Fetch", property: "team" })).toString(),
      "payments",
    );
    const meta = JSON.parse((await c.getSecret({ key: "tagged", metadataPolicy: "Fetch" })).toString());
    assert.equal(meta.current_version, "1");
  });

  test("dynamic secret engines read through the same remoteRef", async () => {
    const v1NoPath = await client({ version: "v1", auth: { tokenSecretRef: { name: "vault-token", key: "token" } } });
    assert.match(
      (await v1NoPath.getSecret({ key: "database/creds/readonly", property: "username" })).toString(),
      /^v-readonly-/,
    );
    // A KV v2 store pointed elsewhere (as in the JWT guide) falls back to the raw path on a KV miss.
    const kvStore = await client(tokenStore());
    assert.ok((await kvStore.getSecret({ key: "database/creds/readonly", property: "password" })).length > 0);
    await assert.rejects(kvStore.getSecret({ key: "database/creds/nosuchrole" }), NoSecretError);
  });

  test("find by path + name regexp (LIST recursion) and by custom_metadata tags", async () => {
    vault.putSecret("secret", "team/a/one", { v: "1" }, { env: "prod" });
    vault.putSecret("secret", "team/b/two", { v: "2" }, { env: "dev" });
    const c = await client(tokenStore());
    const byName = await c.getAllSecrets({ path: "team", name: { regexp: "one|two" } });
    assert.deepEqual(Object.keys(byName).sort(), ["team/a/one", "team/b/two"]);
    assert.equal(byName["team/a/one"]?.toString(), '{"v":"1"}');
    assert.ok(vault.count("secret/metadata/team/a/", "LIST") >= 1);
    const byTag = await c.getAllSecrets({ tags: { env: "prod" } });
    assert.deepEqual(Object.keys(byTag), ["team/a/one"]);
    const v1 = await client({
      path: "legacy",
      version: "v1",
      auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
    });
    await assert.rejects(v1.getAllSecrets({ tags: { a: "b" } }), /kv version v1/);
    assert.deepEqual(Object.keys(await v1.getAllSecrets({ name: { regexp: "config" } })), ["app/config"]);
  });
});

describe("vault: errors", () => {
  test("403 → ProviderAuthError, 429 → ProviderThrottledError, 5xx and timeouts → errors without values", async () => {
    const c = await client(tokenStore());
    vault.fault("secret/data/myapp", { status: 429 });
    await assert.rejects(c.getSecret({ key: "myapp" }), ProviderThrottledError);
    vault.fault("secret/data/myapp", { status: 503, body: { errors: ["Vault is sealed"] } });
    await assert.rejects(c.getSecret({ key: "myapp" }), /HTTP 503: Vault is sealed/);
    vault.fault("secret/data/myapp", { delayMs: 600 });
    await assert.rejects(c.getSecret({ key: "myapp" }), /timed out/);
    kube.setSecret(NS, "vault-token", { token: "wrong" });
    const bad = await client(tokenStore());
    const err = await bad.getSecret({ key: "myapp" }).catch((e) => e);
    assert.ok(err instanceof ProviderAuthError);
    assert.doesNotMatch(String(err.message), /wrong|hunter2/);
  });

  test("retries 5xx with backoff when configured", async () => {
    const retrying = newVaultProvider({ requestTimeoutMs: 500, maxRetries: 2, retryBaseMs: 5 });
    const c = await retrying.newClient({ server: vault.url, ...tokenStore() }, ctx());
    vault.fault("secret/data/myapp", { status: 500 }, 2);
    assert.equal((await c.getSecret({ key: "myapp", property: "password" })).toString(), "hunter2");
    assert.equal(vault.count("secret/data/myapp"), 3);
  });

  test("missing auth / bad spec are StoreConfigError naming the field", async () => {
    await assert.rejects(
      provider.newClient({ server: "not a url" } as VaultProviderSpec, ctx()),
      /spec\.provider\.vault\.server/,
    );
    kube = new MemoryKubeAccess();
    await assert.rejects(client(tokenStore()), StoreConfigError);
    assert.deepEqual(provider.validate({ server: vault.url, auth: {} }, "SecretStore").errors, []);
  });
});

describe("vault: auth methods and token lifecycle", () => {
  test("token Secret rotation is picked up by the next client, no restart", async () => {
    vault.addToken("rotated");
    const c1 = await client(tokenStore());
    await c1.getSecret({ key: "myapp" });
    vault.revokeToken("root");
    kube.setSecret(NS, "vault-token", { token: "rotated" });
    const c2 = await client(tokenStore());
    await c2.getSecret({ key: "myapp" });
    assert.equal(vault.requests.at(-1)?.headers["x-vault-token"], "rotated");
  });

  test("kubernetes auth (seed store): one TokenRequest + one login for many reconciles", async () => {
    vault.enableAuth("kubernetes", "kubernetes", kubeCheck("production-reader"));
    const spec: Omit<VaultProviderSpec, "server"> = {
      path: "secret",
      version: "v2",
      auth: {
        kubernetes: {
          mountPath: "kubernetes",
          role: "production-reader",
          serviceAccountRef: { name: "vault-auth-sa" },
        },
      },
    };
    for (let i = 0; i < 5; i++) {
      const c = await client(spec, ctx("SecretStore", "vault-kv"));
      assert.equal(
        (await c.getSecret({ key: "production/database", property: "connection_url" })).toString(),
        "postgres://db",
      );
      assert.equal((await c.getSecret({ key: "production/auth", property: "jwt_secret" })).toString(), "signing");
      assert.equal((await c.getSecret({ key: "production/encryption", property: "aes_256_key" })).toString(), "k256");
      await c.close();
    }
    assert.equal(vault.logins(), 1);
    assert.equal(kube.issued.length, 1);
    assert.equal(kube.issued[0]?.serviceAccount, "vault-auth-sa");
    assert.deepEqual(kube.issued[0]?.audiences, ["https://kubernetes.default.svc.cluster.local"]);
  });

  test("kubernetes auth asks the TokenRequest API for the audiences on serviceAccountRef", async () => {
    vault.enableAuth("k8s-aud", "kubernetes", kubeCheck("reader", "vault-prod"));
    const c = await client(
      {
        path: "secret",
        version: "v2",
        auth: {
          kubernetes: {
            mountPath: "k8s-aud",
            role: "reader",
            serviceAccountRef: { name: "vault-auth-sa", audiences: ["vault-prod"] },
          },
        },
      },
      ctx("SecretStore", "vault-aud"),
    );
    assert.equal((await c.getSecret({ key: "production/auth", property: "jwt_secret" })).toString(), "signing");
    assert.deepEqual(kube.issued.at(-1)?.audiences, ["vault-prod"]);
    await c.close();
  });

  test("ClusterSecretStore seed with path kv/data and a cross-namespace ServiceAccount", async () => {
    kube.setServiceAccount("external-secrets-system", "external-secrets");
    vault.enableAuth("kubernetes", "kubernetes", kubeCheck("external-secrets"));
    const c = await client(
      {
        path: "kv/data",
        version: "v2",
        auth: {
          kubernetes: {
            mountPath: "kubernetes",
            role: "external-secrets",
            serviceAccountRef: { name: "external-secrets", namespace: "external-secrets-system" },
          },
        },
      },
      ctx("ClusterSecretStore", "vault-prod", "payments"),
    );
    assert.equal((await c.getSecret({ key: "secret/payments/db", property: "username" })).toString(), "pay");
    assert.equal((await c.getSecret({ key: "secret/payments/db", property: "password" })).toString(), "pw");
    assert.equal(vault.requests.at(-1)?.path, "kv/data/data/secret/payments/db");
  });

  test("renews a token nearing expiry instead of logging in again; re-login on 403", async () => {
    vault.enableAuth("approle", "approle", (b) => ({ ok: b.role_id === "rid" && b.secret_id === "sid" }), 3, true);
    kube.setSecret(NS, "approle", { secret_id: "sid" });
    const spec: Omit<VaultProviderSpec, "server"> = {
      path: "secret",
      auth: { appRole: { path: "approle", roleId: "rid", secretRef: { name: "approle", key: "secret_id" } } },
    };
    const c = await client(spec);
    await c.getSecret({ key: "myapp" });
    await new Promise((r) => setTimeout(r, 2200));
    await c.getSecret({ key: "myapp" });
    assert.equal(vault.logins(), 1);
    assert.equal(vault.count("auth/token/renew-self"), 1);
    const token = String(vault.requests.at(-1)?.headers["x-vault-token"]);
    vault.revokeToken(token);
    const c2 = await client(spec);
    assert.equal((await c2.getSecret({ key: "myapp", property: "password" })).toString(), "hunter2");
    assert.equal(vault.logins(), 2);
  });

  test("appRole roleRef, userPass, ldap, jwt (secretRef and ServiceAccount, seed form)", async () => {
    kube
      .setSecret(NS, "approle", { role: "rid", secret: "sid" })
      .setSecret(NS, "up", { password: "pw1" })
      .setSecret(NS, "ldap", { password: "pw2" });
    vault
      .enableAuth("approle", "approle", (b) => ({ ok: b.role_id === "rid" && b.secret_id === "sid" }))
      .enableAuth("userpass", "userpass", (b) => ({ ok: b.username === "alice" && b.password === "pw1" }))
      .enableAuth("ldap", "ldap", (b) => ({ ok: b.username === "bob" && b.password === "pw2" }))
      .enableAuth("jwt", "jwt", kubeCheck("", "vault"));
    const auths: VaultProviderSpec["auth"][] = [
      {
        appRole: {
          path: "approle",
          roleRef: { name: "approle", key: "role" },
          secretRef: { name: "approle", key: "secret" },
        },
      },
      { userPass: { path: "userpass", username: "alice", secretRef: { name: "up", key: "password" } } },
      { ldap: { path: "ldap", username: "bob", secretRef: { name: "ldap", key: "password" } } },
      { jwt: { path: "jwt", kubernetesServiceAccountToken: { serviceAccountRef: { name: "vault-auth-sa" } } } },
      { jwt: { path: "jwt", serviceAccountRef: { name: "vault-auth-sa" } } },
    ];
    for (const [i, auth] of auths.entries()) {
      const c = await client({ path: "secret", auth }, ctx("SecretStore", `store-${i}`));
      assert.equal((await c.getSecret({ key: "myapp", property: "password" })).toString(), "hunter2");
    }
    assert.equal(vault.logins(), auths.length);
    assert.ok(vault.requests.some((r) => r.path === "auth/userpass/login/alice"));
    assert.deepEqual(kube.issued.at(-1)?.audiences, ["vault"]);
    kube.setSecret(NS, "up", { password: "bad" });
    const bad = await client({ path: "secret", auth: auths[1] }, ctx("SecretStore", "bad"));
    await assert.rejects(bad.getSecret({ key: "myapp" }), ProviderAuthError);
  });

  test("iam auth sends a SigV4-signed sts:GetCallerIdentity request", async () => {
    kube.setSecret(NS, "aws", { id: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI" });
    let seen: any;
    vault.enableAuth("aws", "aws", (b) => {
      seen = b;
      return { ok: b.role === "vault-role" };
    });
    const c = await client({
      path: "secret",
      auth: {
        iam: {
          region: "eu-west-1",
          vaultRole: "vault-role",
          vaultAwsIamServerID: "vault.example.com",
          secretRef: {
            accessKeyIDSecretRef: { name: "aws", key: "id" },
            secretAccessKeySecretRef: { name: "aws", key: "secret" },
          },
        },
      },
    });
    assert.equal((await c.getSecret({ key: "myapp", property: "password" })).toString(), "hunter2");
    assert.equal(
      Buffer.from(seen.iam_request_body, "base64").toString(),
      "Action=GetCallerIdentity&Version=2011-06-15",
    );
    // The default (Legacy) policy names the global endpoint, signed for us-east-1, as default Vault mounts expect.
    assert.equal(Buffer.from(seen.iam_request_url, "base64").toString(), "https://sts.amazonaws.com/");
    const headers = JSON.parse(Buffer.from(seen.iam_request_headers, "base64").toString());
    assert.match(
      headers.Authorization[0],
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-vault-aws-iam-server-id, Signature=[0-9a-f]{64}$/,
    );
    assert.equal(headers.Host?.[0] ?? headers.host?.[0], "sts.amazonaws.com");
    assert.equal(headers["X-Vault-AWS-IAM-Server-ID"][0], "vault.example.com");
  });

  test("iam auth stsEndpointPolicy: Regional signs regionally; Legacy does too where no global endpoint serves", async () => {
    kube.setSecret(NS, "aws", { id: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI" });
    const seen: any[] = [];
    vault.enableAuth("aws", "aws", (b) => {
      seen.push(b);
      return { ok: true };
    });
    const iam = (region: string, stsEndpointPolicy?: string) => ({
      region,
      vaultRole: "vault-role",
      ...(stsEndpointPolicy ? { stsEndpointPolicy } : {}),
      secretRef: {
        accessKeyIDSecretRef: { name: "aws", key: "id" },
        secretAccessKeySecretRef: { name: "aws", key: "secret" },
      },
    });
    const cases: [region: string, policy: string | undefined, url: string, scope: string][] = [
      ["eu-west-1", "Regional", "https://sts.eu-west-1.amazonaws.com/", "eu-west-1"],
      ["ap-east-1", undefined, "https://sts.ap-east-1.amazonaws.com/", "ap-east-1"],
      ["us-west-2", "Legacy", "https://sts.amazonaws.com/", "us-east-1"],
    ];
    for (const [i, [region, policy, url, scope]] of cases.entries()) {
      const c = await client(
        { path: "secret", auth: { iam: iam(region, policy) as any } },
        ctx("SecretStore", `sts-${i}`),
      );
      assert.equal((await c.getSecret({ key: "myapp", property: "password" })).toString(), "hunter2");
      const login = seen.at(-1);
      assert.equal(Buffer.from(login.iam_request_url, "base64").toString(), url, `${region} ${policy}`);
      const headers = JSON.parse(Buffer.from(login.iam_request_headers, "base64").toString());
      assert.match(headers.Authorization[0], new RegExp(`/${scope}/sts/aws4_request`));
    }
    assert.ok(
      validateObject({
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "s", namespace: NS },
        spec: { provider: { vault: { server: "https://v", auth: { iam: iam("eu-west-1", "Global") } } } },
      }).some((e) => e.severity === "error" && e.path === "spec.provider.vault.auth.iam.stsEndpointPolicy"),
    );
  });

  test("namespace headers, readYourWrites/forwardInconsistent and custom headers", async () => {
    const nsVault = await new FakeVault({ namespace: "team-a", authNamespace: "admin" }).start();
    try {
      nsVault.addToken("root").mountKv("secret", 2).putSecret("secret", "x", { k: "v" });
      nsVault.enableAuth("userpass", "userpass", (b) => ({ ok: b.password === "pw1" }));
      kube.setSecret(NS, "up", { password: "pw1" });
      const c = await provider.newClient(
        {
          server: nsVault.url,
          path: "secret",
          namespace: "team-a",
          readYourWrites: true,
          forwardInconsistent: true,
          headers: { "X-Custom": "yes" },
          auth: {
            namespace: "admin",
            userPass: { path: "userpass", username: "u", secretRef: { name: "up", key: "password" } },
          },
        },
        ctx(),
      );
      await c.pushSecret(
        { name: "s", namespace: NS, data: { p: Buffer.from("1") } },
        { secretKey: "p", remoteRef: { remoteKey: "y", property: "p" } },
      );
      assert.equal((await c.getSecret({ key: "x", property: "k" })).toString(), "v");
      const last = nsVault.requests.at(-1)!;
      assert.equal(last.headers["x-vault-namespace"], "team-a");
      assert.equal(last.headers["x-vault-inconsistent"], "forward-active-node");
      assert.match(String(last.headers["x-vault-index"]), /^idx-\d+$/);
      assert.equal(last.headers["x-custom"], "yes");
      assert.equal(nsVault.requests[0]?.headers["x-vault-namespace"], "admin");
    } finally {
      await nsVault.stop();
    }
  });
});

describe("vault: TLS", () => {
  let pki: TestPki;
  let tlsVault: FakeVault;
  before(async () => {
    pki = makeTestPki();
    tlsVault = await new FakeVault({ tls: pki }).start();
    tlsVault.addToken("root").mountKv("secret", 2).putSecret("secret", "x", { k: "tls-ok" });
    tlsVault.enableAuth("cert", "cert", (_b, req) => ({ ok: req.clientCertCN === "eso-client" }));
  });
  after(async () => {
    await tlsVault.stop();
  });

  test("caBundle / caProvider trust, untrusted server refused, cert auth with a client certificate", async () => {
    kube
      .setSecret(NS, "vault-token", { token: "root" })
      .setConfigMap(NS, "ca", { "ca.crt": pki.caPem })
      .setSecret(NS, "client-tls", { "tls.crt": pki.clientCertPem, "tls.key": pki.clientKeyPem });
    const base = {
      server: tlsVault.url,
      path: "secret",
      auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
    };
    const untrusted = await provider.newClient(base, ctx());
    await assert.rejects(untrusted.getSecret({ key: "x" }), /certificate/);
    const withBundle = await provider.newClient(
      { ...base, caBundle: Buffer.from(pki.caPem).toString("base64") },
      ctx(),
    );
    assert.equal((await withBundle.getSecret({ key: "x", property: "k" })).toString(), "tls-ok");
    const withProvider = await provider.newClient(
      { ...base, caProvider: { type: "ConfigMap", name: "ca", key: "ca.crt" } },
      ctx(),
    );
    assert.equal((await withProvider.getSecret({ key: "x", property: "k" })).toString(), "tls-ok");
    const cert = await provider.newClient(
      {
        server: tlsVault.url,
        path: "secret",
        caBundle: Buffer.from(pki.caPem).toString("base64"),
        auth: {
          cert: {
            clientCert: { name: "client-tls", key: "tls.crt" },
            secretRef: { name: "client-tls", key: "tls.key" },
          },
        },
      },
      ctx(),
    );
    assert.equal((await cert.getSecret({ key: "x", property: "k" })).toString(), "tls-ok");
    assert.equal(tlsVault.logins(), 1);
  });
});

describe("vault: push and delete (KV v2 and v1)", () => {
  const source = { name: "src", namespace: NS, data: { user: Buffer.from("admin"), pass: Buffer.from("s3cret") } };

  test("push creates with ownership marker, keeps unrelated keys, no check-and-set unless required", async () => {
    const c = await client(tokenStore());
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "pushed", property: "user" } });
    await c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "pushed", property: "pass" } });
    assert.deepEqual(vault.getSecretData("secret", "pushed"), { user: "admin", pass: "s3cret" });
    assert.deepEqual(vault.getMetadata("secret", "pushed")?.custom_metadata, { "managed-by": "external-secrets" });
    const writes = vault.requests.filter((r) => r.path === "secret/data/pushed" && r.method !== "GET");
    assert.deepEqual(
      writes.map((w) => w.body.options?.cas),
      [undefined, undefined],
    );
    const before = vault.requests.length;
    await c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "pushed", property: "pass" } });
    assert.equal(vault.requests.slice(before).filter((r) => r.method === "POST").length, 0);
    assert.equal(await c.secretExists({ remoteKey: "pushed", property: "pass" }), true);
    assert.equal(await c.secretExists({ remoteKey: "pushed", property: "nope" }), false);
    await c.pushSecret(source, { remoteRef: { remoteKey: "whole" } });
    assert.deepEqual(vault.getSecretData("secret", "whole"), { user: "admin", pass: "s3cret" });
  });

  test("push refuses secrets not managed by external-secrets; custom metadata merges", async () => {
    const c = await client(tokenStore());
    await assert.rejects(
      c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "myapp", property: "user" } }),
      /not managed by external-secrets/,
    );
    await c.pushSecret(source, {
      secretKey: "user",
      remoteRef: { remoteKey: "meta", property: "user" },
      metadata: {
        apiVersion: "kubernetes.external-secrets.io/v1alpha1",
        kind: "PushSecretMetadata",
        spec: { customMetadata: { team: "a" } },
      },
    });
    assert.deepEqual(vault.getMetadata("secret", "meta")?.custom_metadata, {
      team: "a",
      "managed-by": "external-secrets",
    });
  });

  test("a concurrent write makes check-and-set fail instead of overwriting", async () => {
    const c = await client(tokenStore());
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "race", property: "user" } });
    vault.fault(
      "secret/data/race",
      { status: 400, body: { errors: ["check-and-set parameter did not match the current version"] } },
      1,
      "POST",
    );
    await assert.rejects(
      c.pushSecret(source, { secretKey: "pass", remoteRef: { remoteKey: "race", property: "pass" } }),
      /check-and-set/,
    );
  });

  test("delete removes one property or the whole owned secret, never foreign ones", async () => {
    const c = await client(tokenStore());
    await c.pushSecret(source, { remoteRef: { remoteKey: "owned" } });
    await c.deleteSecret({ remoteKey: "owned", property: "user" });
    assert.deepEqual(vault.getSecretData("secret", "owned"), { pass: "s3cret" });
    await c.deleteSecret({ remoteKey: "owned" });
    assert.equal(vault.getMetadata("secret", "owned"), undefined);
    await c.deleteSecret({ remoteKey: "myapp" });
    assert.deepEqual(vault.getSecretData("secret", "myapp"), { password: "hunter2" });
    await c.deleteSecret({ remoteKey: "never-existed" });
  });

  test("KV v1 push stores the ownership marker inside the data", async () => {
    const c = await client({
      path: "legacy",
      version: "v1",
      auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
    });
    await c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "pushed", property: "user" } });
    assert.deepEqual(vault.getSecretData("legacy", "pushed"), {
      user: "admin",
      custom_metadata: { "managed-by": "external-secrets" },
    });
    await assert.rejects(
      c.pushSecret(source, { secretKey: "user", remoteRef: { remoteKey: "app/config", property: "user" } }),
      /not managed/,
    );
    await c.deleteSecret({ remoteKey: "pushed" });
    assert.equal(vault.getSecretData("legacy", "pushed"), undefined);
  });

  test("validate checks the token with lookup-self", async () => {
    const c = await client(tokenStore());
    assert.deepEqual(await c.validate(), { ready: true });
    kube.setSecret(NS, "vault-token", { token: "nope" });
    const bad = await client(tokenStore());
    assert.equal((await bad.validate()).ready, false);
  });
});
