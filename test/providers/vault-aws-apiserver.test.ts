/**
 * The seeds' Vault (kubernetes auth) and AWS (IRSA) stores against the in-process API server: credentials
 * are real Secrets and ServiceAccounts, and the TokenRequest API issues RS256 tokens that the loopback
 * Vault and STS verify with the API server's public key.
 */
import assert from "node:assert/strict";
import { createVerify } from "node:crypto";
import { after, before, test } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { KubeClient } from "../../src/kube/index.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ClusterKubeAccess } from "../../src/providers/kube-access.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { newVaultProvider } from "../../src/providers/vault/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { FakeVault } from "../fakes/vault-server.js";

let api: ApiServer;
let kube: ClusterKubeAccess;
let vault: FakeVault;
let aws: FakeAws;

/** Verifies an API-server-issued ServiceAccount token: RS256 signature, expiry, subject and audience. */
function verify(token: string, sub: string, audience: string): boolean {
  const [h, p, s] = token.split(".");
  if (!h || !p || !s) return false;
  const ok = createVerify("RSA-SHA256")
    .update(`${h}.${p}`)
    .verify(api.serviceAccountIssuer.publicKeyPem, Buffer.from(s, "base64url"));
  const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  return ok && claims.sub === sub && claims.aud.includes(audience) && claims.exp * 1000 > Date.now();
}

before(async () => {
  api = await startApiServer();
  const admin = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
  kube = new ClusterKubeAccess(admin);
  const create = (path: string, body: unknown) => admin.request({ method: "POST", path, body });
  await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "production" } });
  await create("/api/v1/namespaces/production/serviceaccounts", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "vault-auth-sa" },
  });
  await create("/api/v1/namespaces/production/serviceaccounts", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: "external-secrets-sa",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/external-secrets-role" },
    },
  });
  vault = await new FakeVault().start();
  vault.mountKv("secret", 2).putSecret("secret", "production/database", { connection_url: "postgres://prod" });
  vault.enableAuth("kubernetes", "kubernetes", (b) => ({
    ok: b.role === "production-app" && verifyAnyAudience(String(b.jwt)),
  }));
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  aws.putSecretString("database/postgres/production", JSON.stringify({ username: "u", password: "p", host: "h" }));
  aws.webIdentityCheck = (token, role) =>
    role === "arn:aws:iam::123456789012:role/external-secrets-role" &&
    verify(token, "system:serviceaccount:production:external-secrets-sa", "sts.amazonaws.com");
});

/** The API server's default audience is its own; accept any audience but still check signature and subject. */
function verifyAnyAudience(token: string): boolean {
  const p = token.split(".")[1];
  if (!p) return false;
  const aud: string[] = JSON.parse(Buffer.from(p, "base64url").toString("utf8")).aud ?? [];
  return aud.some((a) => verify(token, "system:serviceaccount:production:vault-auth-sa", a));
}

after(async () => {
  await vault.stop();
  await aws.stop();
  await api.stop();
});

const ctx = (storeName: string): ProviderContext => ({
  kube,
  caches: new ClientCaches(),
  storeKind: "SecretStore",
  storeName,
  namespace: "production",
});

test("seed Vault store (kubernetes auth, serviceAccountRef) logs in with a TokenRequest token", async () => {
  const provider = newVaultProvider({ requestTimeoutMs: 2000, maxRetries: 0 });
  const c = await provider.newClient(
    {
      server: vault.url,
      path: "secret",
      version: "v2",
      auth: {
        kubernetes: { mountPath: "kubernetes", role: "production-app", serviceAccountRef: { name: "vault-auth-sa" } },
      },
    },
    ctx("vault-backend"),
  );
  assert.equal(
    (await c.getSecret({ key: "production/database", property: "connection_url" })).toString(),
    "postgres://prod",
  );
  assert.equal(vault.logins(), 1);
});

test("seed AWS store (jwt / IRSA) assumes the annotated role with an sts.amazonaws.com token", async () => {
  const provider = newAwsProvider({ maxAttempts: 1, requestTimeoutMs: 2000 });
  const c = await provider.newClient(
    {
      service: "SecretsManager",
      region: "us-east-1",
      auth: { jwt: { serviceAccountRef: { name: "external-secrets-sa" } } },
    },
    ctx("aws-secrets-manager"),
  );
  for (const p of ["username", "password", "host"]) {
    assert.ok((await c.getSecret({ key: "database/postgres/production", property: p })).length > 0);
  }
  assert.equal(aws.count("AssumeRoleWithWebIdentity"), 1);
});
