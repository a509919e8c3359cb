/**
 * Attack: a namespace admin writes a SecretStore whose auth falls back to the operator's own identity
 * (Vault `auth.kubernetes` with only a role, Akeyless access type `k8s`) and whose server URL is their own
 * listener, hoping to collect the operator's ServiceAccount token and use it cluster-wide. The operator's
 * mounted token is a canary file here; it must never reach the listener, and the store must name the field.
 * A ClusterSecretStore (written by a cluster admin) still uses the operator's token.
 *
 * Cloud ambient identity: with --refuse-ambient-credentials-for-namespaced-stores an AWS SecretStore (or ECR
 * generator) without auth is refused instead of running on the controller's own AWS identity; without the
 * flag it is accepted, as upstream.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generatorResource } from "../../src/kube/index.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { type AkeylessFake, startAkeylessFake } from "../fakes/akeyless-server.js";
import { FakeAws } from "../fakes/aws-server.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  CLUSTER_SECRET_STORES,
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  setEnv,
  startHarness,
} from "../support/world.js";
import { type RecordingListener, startRecordingListener } from "./recording-listener.js";

const NS = "tenant-id";
const dir = mkdtempSync(join(tmpdir(), "eso-identity-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const operatorToken = `operator-sa-token-${randomUUID()}`;
const tokenPath = join(dir, "token");
writeFileSync(tokenPath, `${operatorToken}\n`);
const leaked = (seen: string) =>
  seen.includes(operatorToken) || seen.includes(Buffer.from(operatorToken).toString("base64"));

/** Waits for the store's first validation, lets a few more run, and returns its Ready condition. */
async function settledCondition(h: Harness, kind: "SecretStore" | "ClusterSecretStore", name: string) {
  const rt = kind === "SecretStore" ? SECRET_STORES : CLUSTER_SECRET_STORES;
  const ns = kind === "SecretStore" ? NS : "";
  await eventually(() => readyCondition(h, rt, ns, name), { timeoutMs: 20_000, what: `${kind} ${name} validated` });
  await new Promise((r) => setTimeout(r, 1_500));
  return (await readyCondition(h, rt, ns, name))!;
}

describe("the operator's own ServiceAccount token", () => {
  let h: Harness;
  let listener: RecordingListener;
  let vault: FakeVault;
  let akeyless: AkeylessFake;
  before(async () => {
    h = await startHarness({ storeRequeueMs: 200, tenantPolicy: { ownServiceAccountTokenPath: tokenPath } });
    await createNamespace(h, NS);
    listener = await startRecordingListener();
    vault = await new FakeVault().start();
    vault
      .mountKv("secret", 2)
      .enableAuth("kubernetes", "kubernetes", (body) => ({ ok: body.role === "eso" && body.jwt === operatorToken }));
    akeyless = await startAkeylessFake();
    akeyless.k8sAuth = (id, conf, jwt) => id === "p-k8s" && conf === "cluster-a" && jwt === operatorToken;
    await h.client.create(SECRETS, secretManifest(NS, "ak", { id: "p-k8s", type: "k8s", conf: "cluster-a" }));
  });
  after(async () => {
    await listener?.stop();
    await vault?.stop();
    await akeyless?.close();
    await h?.stop();
  });

  const vaultStore = (kind: "SecretStore" | "ClusterSecretStore", name: string, server: string) => ({
    apiVersion: "external-secrets.io/v1",
    kind,
    metadata: kind === "SecretStore" ? { name, namespace: NS } : { name },
    spec: {
      provider: { vault: { server, path: "secret", version: "v2", auth: { kubernetes: { role: "eso" } } } },
    },
  });

  const akeylessStore = (kind: "SecretStore" | "ClusterSecretStore", name: string, url: string) => {
    const ref = (key: string) => ({ name: "ak", key, ...(kind === "ClusterSecretStore" ? { namespace: NS } : {}) });
    return {
      apiVersion: "external-secrets.io/v1",
      kind,
      metadata: kind === "SecretStore" ? { name, namespace: NS } : { name },
      spec: {
        provider: {
          akeyless: {
            akeylessGWApiURL: url,
            authSecretRef: {
              secretRef: { accessID: ref("id"), accessType: ref("type"), accessTypeParam: ref("conf") },
            },
          },
        },
      },
    };
  };

  it("a SecretStore's Vault kubernetes auth without serviceAccountRef or secretRef never sends it", async () => {
    await h.client.create(SECRET_STORES, vaultStore("SecretStore", "vault-k8s", listener.url));
    const cond = await settledCondition(h, "SecretStore", "vault-k8s");
    assert.ok(!leaked(listener.seen()), "the operator's token reached the tenant's server");
    assert.equal(cond.status, "False");
    assert.match(
      cond.message ?? "",
      /spec\.provider\.vault\.auth\.kubernetes: a SecretStore must set serviceAccountRef or secretRef; the operator's own token is only used by ClusterSecretStores/,
    );
  });

  it("a SecretStore's Akeyless k8s access type never sends it", async () => {
    await h.client.create(SECRET_STORES, akeylessStore("SecretStore", "akeyless-k8s", listener.url));
    const cond = await settledCondition(h, "SecretStore", "akeyless-k8s");
    assert.ok(!leaked(listener.seen()), "the operator's token reached the tenant's server");
    assert.equal(cond.status, "False");
    assert.match(
      cond.message ?? "",
      /spec\.provider\.akeyless\.authSecretRef\.secretRef\.accessType: a SecretStore must set authSecretRef\.kubernetesAuth/,
    );
  });

  it("a VaultDynamicSecret generator (resolved as a SecretStore) never sends it either", async () => {
    await h.client.create(generatorResource("VaultDynamicSecret"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "VaultDynamicSecret",
      metadata: { name: "db", namespace: NS },
      spec: { path: "database/creds/app", provider: { server: listener.url, auth: { kubernetes: { role: "eso" } } } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("db", NS, {
        refreshInterval: "1h",
        target: { name: "db" },
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: "generators.external-secrets.io/v1alpha1",
                kind: "VaultDynamicSecret",
                name: "db",
              },
            },
          },
        ],
      }),
    );
    const cond = await eventually(() => readyCondition(h, EXTERNAL_SECRETS, NS, "db"), {
      timeoutMs: 20_000,
      what: "ExternalSecret db",
    });
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(!leaked(listener.seen()), "the operator's token reached the tenant's server");
    assert.equal(cond.status, "False");
    assert.match(
      cond.message ?? "",
      /spec\.provider\.auth\.kubernetes: a SecretStore must set serviceAccountRef or secretRef/,
    );
  });

  it("ClusterSecretStores still log in with it (Vault kubernetes auth, Akeyless k8s)", async () => {
    await h.client.create(CLUSTER_SECRET_STORES, vaultStore("ClusterSecretStore", "vault-k8s", vault.url));
    await h.client.create(CLUSTER_SECRET_STORES, akeylessStore("ClusterSecretStore", "akeyless-k8s", akeyless.url));
    for (const name of ["vault-k8s", "akeyless-k8s"]) {
      const cond = await eventually(
        async () => {
          const c = await readyCondition(h, CLUSTER_SECRET_STORES, "", name);
          return c?.status === "True" ? c : undefined;
        },
        { timeoutMs: 20_000, what: `ClusterSecretStore ${name} Ready` },
      );
      assert.equal(cond.status, "True");
    }
    assert.ok(vault.requests.some((r) => r.path === "auth/kubernetes/login" && r.body?.jwt === operatorToken));
  });
});

describe("the controller's ambient AWS identity for namespaced stores", () => {
  let aws: FakeAws;
  let restoreEnv: () => void;
  before(async () => {
    aws = await new FakeAws("us-east-1").start();
    aws.addAccessKey("AKIACONTROLLER", "controller-secret");
    // The controller's own identity, as the SDK default chain finds it (environment variables here, IRSA in EKS).
    restoreEnv = setEnv({
      AWS_ACCESS_KEY_ID: "AKIACONTROLLER",
      AWS_SECRET_ACCESS_KEY: "controller-secret",
      [ENDPOINT_ENV.secretsmanager]: aws.url,
      [ENDPOINT_ENV.sts]: aws.url,
      [ENDPOINT_ENV.ecr]: aws.url,
    });
  });
  after(async () => {
    restoreEnv?.();
    await aws?.stop();
  });

  const awsStore = (name: string) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: NS },
    spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1" } } },
  });
  const usedControllerKey = () => aws.requests.some((r) => r.accessKeyId === "AKIACONTROLLER");

  it("is refused with --refuse-ambient-credentials-for-namespaced-stores (AWS, ECR generator, GCP, Azure)", async () => {
    const h = await startHarness({ storeRequeueMs: 200, tenantPolicy: { refuseAmbientCredentials: true } });
    try {
      await createNamespace(h, NS);
      await h.client.create(SECRET_STORES, awsStore("aws-ambient"));
      await h.client.create(generatorResource("ECRAuthorizationToken"), {
        apiVersion: "generators.external-secrets.io/v1alpha1",
        kind: "ECRAuthorizationToken",
        metadata: { name: "ecr", namespace: NS },
        spec: { region: "us-east-1" },
      });
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("registry", NS, {
          refreshInterval: "1h",
          target: { name: "registry" },
          dataFrom: [
            {
              sourceRef: {
                generatorRef: {
                  apiVersion: "generators.external-secrets.io/v1alpha1",
                  kind: "ECRAuthorizationToken",
                  name: "ecr",
                },
              },
            },
          ],
        }),
      );
      const cond = await settledCondition(h, "SecretStore", "aws-ambient");
      assert.equal(cond.status, "False");
      assert.match(
        cond.message ?? "",
        /spec\.provider\.aws\.auth: a SecretStore or generator must set auth\.secretRef or auth\.jwt; .*--refuse-ambient-credentials-for-namespaced-stores/,
      );
      const esCond = await eventually(() => readyCondition(h, EXTERNAL_SECRETS, NS, "registry"), {
        timeoutMs: 20_000,
        what: "ExternalSecret registry synced",
      });
      assert.equal(esCond.status, "False");
      assert.match(
        esCond.message ?? "",
        /spec\.auth: a SecretStore or generator must set auth\.secretRef or auth\.jwt/,
      );
      assert.equal(usedControllerKey(), false, "the controller's AWS identity was used");

      // The same switch covers GCP application default credentials and Azure managed identity.
      const store = (name: string, provider: Record<string, unknown>) => ({
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name, namespace: NS },
        spec: { provider },
      });
      await h.client.create(SECRET_STORES, store("gcp-adc", { gcpsm: { projectID: "p" } }));
      await h.client.create(
        SECRET_STORES,
        store("azure-mi", {
          azurekv: { vaultUrl: "https://v.vault.azure.net", authType: "ManagedIdentity", tenantId: "t" },
        }),
      );
      const gcp = await settledCondition(h, "SecretStore", "gcp-adc");
      assert.equal(gcp.status, "False");
      assert.match(
        gcp.message ?? "",
        /spec\.provider\.gcpsm\.auth: a SecretStore or generator must set auth\.secretRef/,
      );
      const azure = await settledCondition(h, "SecretStore", "azure-mi");
      assert.equal(azure.status, "False");
      assert.match(azure.message ?? "", /spec\.provider\.azurekv\.authType: .*Azure managed identity is refused/);
    } finally {
      await h.stop();
    }
  });

  it("is accepted without the flag, as upstream", async () => {
    const h = await startHarness({ storeRequeueMs: 60_000 });
    try {
      await createNamespace(h, NS);
      await h.client.create(SECRET_STORES, awsStore("aws-ambient"));
      await eventually(async () => (await readyCondition(h, SECRET_STORES, NS, "aws-ambient"))?.status === "True", {
        timeoutMs: 20_000,
        what: "SecretStore aws-ambient Ready",
      });
    } finally {
      await h.stop();
    }
  });
});
