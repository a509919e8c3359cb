/**
 * The seeds' Vault and AWS manifests (v1beta1, as users have them) applied to the in-process API server
 * with the controllers running, only the server address pointed at the loopback fakes: Vault kubernetes
 * auth (TokenRequest token verified by the fake with the API server's key, one login for many syncs),
 * Vault token auth from a ClusterSecretStore with the token Secret rotated under it (no restart), AWS
 * Secrets Manager with static keys (rotation visible after a sync) and with IRSA (jwt).
 */
import assert from "node:assert/strict";
import { createVerify } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  CLUSTER_SECRET_STORES,
  createNamespace,
  EXTERNAL_SECRETS,
  forceSync,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretManifest,
  setEnv,
  useHarness,
  waitForSecretData,
} from "../support/world.js";

const SERVICE_ACCOUNTS = { group: "", version: "v1", plural: "serviceaccounts", namespaced: true };
const V1BETA1 = "external-secrets.io/v1beta1";
// The seeds are written against v1beta1: create them through that version (served, converted to v1).
const SS_BETA = { ...SECRET_STORES, version: "v1beta1" };
const CSS_BETA = { ...CLUSTER_SECRET_STORES, version: "v1beta1" };
const ES_BETA = { ...EXTERNAL_SECRETS, version: "v1beta1" };

let vault: FakeVault;
let aws: FakeAws;
let restoreEnv: () => void;

/** An API-server-issued ServiceAccount token: RS256 signature, expiry, subject and (optionally) audience. */
function verifyToken(token: string, sub: string, audience?: string): boolean {
  const [head, payload, sig] = token.split(".");
  if (!head || !payload || !sig) return false;
  const ok = createVerify("RSA-SHA256")
    .update(`${head}.${payload}`)
    .verify(h.api.serviceAccountIssuer.publicKeyPem, Buffer.from(sig, "base64url"));
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  const aud: string[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  return ok && claims.sub === sub && claims.exp * 1000 > Date.now() && (!audience || aud.includes(audience));
}

before(async () => {
  vault = await new FakeVault().start();
  vault
    .mountKv("secret", 2)
    .putSecret("secret", "production/database", { connection_url: "postgres://db.prod:5432/app" })
    .putSecret("secret", "production/auth", { jwt_secret: "jwt-signing" })
    .putSecret("secret", "production/encryption", { aes_256_key: "aes-key" })
    .putSecret("secret", "prod/myapp", { password: "myapp-pw" });
  vault.enableAuth("kubernetes", "kubernetes", (body) => ({
    ok:
      body.role === "production-reader" &&
      verifyToken(String(body.jwt), "system:serviceaccount:production:vault-auth-sa"),
  }));
  vault.addToken("eso-token-1");

  aws = await new FakeAws("us-east-1").start();
  aws.addAccessKey("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  aws.putSecretString("production/rds-postgres", JSON.stringify({ username: "app", password: "pw-1", host: "rds" }));
  aws.putSecretString(
    "database/postgres/production",
    JSON.stringify({ username: "irsa-user", password: "irsa-pw", host: "irsa-host" }),
  );
  aws.webIdentityCheck = (token, role) =>
    role === "arn:aws:iam::123456789012:role/external-secrets-role" &&
    verifyToken(token, "system:serviceaccount:production:external-secrets-sa", "sts.amazonaws.com");
  restoreEnv = setEnv({ [ENDPOINT_ENV.secretsmanager]: aws.url, [ENDPOINT_ENV.sts]: aws.url });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, "production");
  await createNamespace(h, "external-secrets");
  await createNamespace(h, "payments");
  await h.client.create(SERVICE_ACCOUNTS, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "vault-auth-sa", namespace: "production" },
  });
  await h.client.create(SERVICE_ACCOUNTS, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: "external-secrets-sa",
      namespace: "production",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/external-secrets-role" },
    },
  });
});

after(async () => {
  await vault.stop();
  await aws.stop();
  restoreEnv();
});

async function ready(kind: typeof SECRET_STORES, ns: string, name: string) {
  const c = await eventually(
    async () => {
      const cond = await readyCondition(h, kind, ns, name);
      return cond?.status ? cond : undefined;
    },
    { timeoutMs: 20_000, what: `${ns}/${name} condition` },
  );
  assert.equal(c.status, "True", `${ns}/${name}: ${c.message}`);
}

/** Annotates the ExternalSecret (force-sync) and waits until that change has been synced. */
async function forceSyncAndWait(ns: string, name: string): Promise<void> {
  await forceSync(h, ns, name);
  const es = await h.client.get(EXTERNAL_SECRETS, ns, name);
  const stamp = es.metadata.annotations["force-sync"];
  await eventually(
    async () => {
      const now = await h.client.get(EXTERNAL_SECRETS, ns, name);
      const c = (now?.status?.conditions ?? []).find((x: { type: string }) => x.type === "Ready");
      const synced = String(now?.status?.syncedResourceVersion ?? "");
      return (
        now.metadata.annotations["force-sync"] === stamp &&
        c?.status === "True" &&
        synced.startsWith(`${now.metadata.generation}-`) &&
        synced !== String(es.status?.syncedResourceVersion)
      );
    },
    { timeoutMs: 20_000, what: `${ns}/${name} synced after force-sync` },
  );
}

describe("seed manifests against the fakes", () => {
  it("Vault kubernetes auth (seed vault-kv + vault-app-secrets): one login serves many syncs", async () => {
    await h.client.create(SS_BETA, {
      apiVersion: V1BETA1,
      kind: "SecretStore",
      metadata: { name: "vault-kv", namespace: "production" },
      spec: {
        provider: {
          vault: {
            server: vault.url,
            path: "secret",
            version: "v2",
            auth: {
              kubernetes: {
                mountPath: "kubernetes",
                role: "production-reader",
                serviceAccountRef: { name: "vault-auth-sa" },
              },
            },
          },
        },
      },
    });
    await ready(SECRET_STORES, "production", "vault-kv");
    await h.client.create(ES_BETA, {
      apiVersion: V1BETA1,
      kind: "ExternalSecret",
      metadata: { name: "vault-app-secrets", namespace: "production" },
      spec: {
        refreshInterval: "30m",
        secretStoreRef: { name: "vault-kv", kind: "SecretStore" },
        target: { name: "app-config", creationPolicy: "Owner" },
        data: [
          { secretKey: "db-url", remoteRef: { key: "production/database", property: "connection_url" } },
          { secretKey: "jwt-signing-key", remoteRef: { key: "production/auth", property: "jwt_secret" } },
          { secretKey: "encryption-key", remoteRef: { key: "production/encryption", property: "aes_256_key" } },
        ],
      },
    });
    assert.deepEqual(await waitForSecretData(h, "production", "app-config"), {
      "db-url": "postgres://db.prod:5432/app",
      "jwt-signing-key": "jwt-signing",
      "encryption-key": "aes-key",
    });
    const loginsAfterFirst = vault.logins();
    assert.ok(loginsAfterFirst >= 1 && loginsAfterFirst <= 2, `logins: ${loginsAfterFirst}`);
    vault.putSecret("secret", "production/auth", { jwt_secret: "jwt-rotated" });
    for (let i = 0; i < 3; i++) await forceSyncAndWait("production", "vault-app-secrets");
    // a forced sync reads the provider now, not an answer cached by the read-coalescing layer
    assert.equal((await secretData(h, "production", "app-config"))["jwt-signing-key"], "jwt-rotated");
    assert.equal(vault.logins(), loginsAfterFirst, "the Vault token is cached per store, not per reconcile");
  });

  it("Vault token auth from a ClusterSecretStore: a rotated token Secret is used with no restart", async () => {
    await h.client.create(SECRETS, secretManifest("external-secrets", "vault-token", { token: "eso-token-1" }));
    await h.client.create(CSS_BETA, {
      apiVersion: V1BETA1,
      kind: "ClusterSecretStore",
      metadata: { name: "vault-backend" },
      spec: {
        provider: {
          vault: {
            server: vault.url,
            path: "secret",
            version: "v2",
            auth: { tokenSecretRef: { name: "vault-token", namespace: "external-secrets", key: "token" } },
          },
        },
      },
    });
    await ready(CLUSTER_SECRET_STORES, "", "vault-backend");
    await h.client.create(ES_BETA, {
      apiVersion: V1BETA1,
      kind: "ExternalSecret",
      metadata: { name: "myapp", namespace: "payments" },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "vault-backend", kind: "ClusterSecretStore" },
        target: { name: "myapp", creationPolicy: "Owner" },
        data: [{ secretKey: "password", remoteRef: { key: "prod/myapp", property: "password" } }],
      },
    });
    await eventually(async () => (await secretData(h, "payments", "myapp")).password === "myapp-pw");

    // rotate: new token in Vault and in the Secret, old one revoked
    vault.addToken("eso-token-2");
    const s = await h.client.get(SECRETS, "external-secrets", "vault-token");
    s.data.token = Buffer.from("eso-token-2").toString("base64");
    await h.client.update(SECRETS, s);
    vault.revokeToken("eso-token-1");
    vault.putSecret("secret", "prod/myapp", { password: "myapp-pw-2" });
    await forceSyncAndWait("payments", "myapp");
    assert.equal((await secretData(h, "payments", "myapp")).password, "myapp-pw-2");
    assert.ok(vault.requests.some((r) => r.headers["x-vault-token"] === "eso-token-2"));
  });

  it("AWS Secrets Manager with static keys (seed aws-sm + production-db-creds), rotation after a sync", async () => {
    await h.client.create(
      SECRETS,
      secretManifest("production", "aws-credentials", {
        "access-key-id": "AKIAIOSFODNN7EXAMPLE",
        "secret-access-key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      }),
    );
    await h.client.create(SS_BETA, {
      apiVersion: V1BETA1,
      kind: "SecretStore",
      metadata: { name: "aws-sm", namespace: "production" },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: "us-east-1",
            auth: {
              secretRef: {
                accessKeyIDSecretRef: { name: "aws-credentials", key: "access-key-id" },
                secretAccessKeySecretRef: { name: "aws-credentials", key: "secret-access-key" },
              },
            },
          },
        },
      },
    });
    await ready(SECRET_STORES, "production", "aws-sm");
    const reads = () => aws.count("GetSecretValue") + aws.count("BatchGetSecretValue");
    const before = reads();
    await h.client.create(ES_BETA, {
      apiVersion: V1BETA1,
      kind: "ExternalSecret",
      metadata: { name: "production-db-creds", namespace: "production" },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "aws-sm", kind: "SecretStore" },
        target: { name: "db-credentials" },
        data: ["username", "password", "host"].map((p) => ({
          secretKey: p,
          remoteRef: { key: "production/rds-postgres", property: p },
        })),
      },
    });
    assert.deepEqual(await waitForSecretData(h, "production", "db-credentials"), {
      username: "app",
      password: "pw-1",
      host: "rds",
    });
    assert.equal(reads() - before, 1, "three properties of one secret cost one call");

    aws.putSecretString("production/rds-postgres", JSON.stringify({ username: "app", password: "pw-2", host: "rds" }));
    await forceSyncAndWait("production", "production-db-creds");
    assert.equal((await secretData(h, "production", "db-credentials")).password, "pw-2");
  });

  it("AWS IRSA (seed jwt store): TokenRequest token for sts.amazonaws.com, role from the annotation", async () => {
    await h.client.create(SS_BETA, {
      apiVersion: V1BETA1,
      kind: "SecretStore",
      metadata: { name: "aws-secrets-manager", namespace: "production" },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: "us-east-1",
            auth: { jwt: { serviceAccountRef: { name: "external-secrets-sa" } } },
          },
        },
      },
    });
    await ready(SECRET_STORES, "production", "aws-secrets-manager");
    await h.client.create(ES_BETA, {
      apiVersion: V1BETA1,
      kind: "ExternalSecret",
      metadata: { name: "database-credentials", namespace: "production" },
      spec: {
        refreshInterval: "300s",
        secretStoreRef: { name: "aws-secrets-manager", kind: "SecretStore" },
        target: { name: "postgres-credentials", creationPolicy: "Owner" },
        data: ["username", "password", "host"].map((p) => ({
          secretKey: p,
          remoteRef: { key: "database/postgres/production", property: p },
        })),
      },
    });
    assert.deepEqual(await waitForSecretData(h, "production", "postgres-credentials"), {
      username: "irsa-user",
      password: "irsa-pw",
      host: "irsa-host",
    });
    assert.ok(aws.count("AssumeRoleWithWebIdentity") >= 1);
    const assumed = aws.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity");
    assert.ok(assumed.every((r) => r.body.RoleArn === "arn:aws:iam::123456789012:role/external-secrets-role"));
  });
});
