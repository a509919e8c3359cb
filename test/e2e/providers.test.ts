/**
 * Every provider through the running controllers and the in-process API server: a SecretStore pointed at
 * the provider's loopback fake, an ExternalSecret, and then success, not found, auth failure, throttling
 * and server errors. Each failure must end in a clear Ready=False condition on the ExternalSecret while
 * the existing Secret stays exactly as it was (same data, same resourceVersion), and recover afterwards.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { type AkeylessFake, startAkeylessFake } from "../fakes/akeyless-server.js";
import { FakeAws } from "../fakes/aws-server.js";
import { type AzureKVFake, selfSignedCert, startAzureKVFake } from "../fakes/azurekv-server.js";
import { type DopplerFake, startDopplerFake } from "../fakes/doppler-server.js";
import { type GcpFake, startGcpFake } from "../fakes/gcpsm-server.js";
import { type GitlabFake, startGitlabFake } from "../fakes/gitlab-server.js";
import { type OnePasswordFake, startOnePasswordFake } from "../fakes/onepassword-server.js";
import { FakeVault } from "../fakes/vault-server.js";
import { startWebhookFake, type WebhookFake } from "../fakes/webhook-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  forceSync,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  setEnv,
  useHarness,
} from "../support/world.js";

/** What each failure must say (the provider's words, wrapped by the controller). */
const EXPECT = {
  notFound: /not found|does not exist|no such|404/i,
  auth: /authentication failed: /,
  throttle: /throttled by the provider: /,
  server: /server error|internal|unavailable|bad gateway|50[0-3]/i,
};

interface ProviderCase {
  name: string;
  /** Credential Secrets in the ExternalSecret's namespace: name -> key -> value. */
  secrets: () => Record<string, Record<string, string>>;
  provider: () => Record<string, unknown>;
  remoteRef: { key: string; property?: string };
  missingKey: string;
  expected: string;
  /** Credential Secret contents that the service rejects. */
  badCredentials: () => Record<string, Record<string, string>>;
  fault(kind: "throttle" | "server"): void;
  clear(): void;
}

let vault: FakeVault;
let aws: FakeAws;
let gcp: GcpFake;
let azure: AzureKVFake;
let op: OnePasswordFake;
let doppler: DopplerFake;
let gitlab: GitlabFake;
let akeyless: AkeylessFake;
let webhook: WebhookFake;
let webhookNtlm: WebhookFake;
let caDir: string;
let gcpKey: string;
let gcpOtherKey: string;
let restoreEnv: () => void;

const MANY = 10_000;
const acmLeaf = selfSignedCert("www.example.com", ["www.example.com"]);
const acmChain = selfSignedCert("Example CA", []);
let acmArn = "";
const repeat = (status: number) => Array.from({ length: MANY }, () => status);

before(async () => {
  vault = await new FakeVault().start();
  vault.mountKv("secret", 2).putSecret("secret", "production/database", { connection_url: "postgres://prod" });
  vault.addToken("vault-root");

  aws = await new FakeAws("us-east-1").start();
  aws.addAccessKey("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  aws.putSecretString("production/rds-postgres", JSON.stringify({ username: "u", password: "pw", host: "h" }));
  aws.putParameter("/production/db/host", "db.internal", "SecureString");
  acmArn = aws.putCertificate({
    certificatePem: acmLeaf.certPem,
    chainPem: acmChain.certPem,
    privateKeyPem: acmLeaf.keyPem,
    exportable: true,
  });

  gcp = await startGcpFake();
  gcpKey = gcp.newServiceAccountKey("eso@my-gcp-project-123.iam.gserviceaccount.com");
  const other = JSON.parse(gcp.newServiceAccountKey("other@my-gcp-project-123.iam.gserviceaccount.com"));
  other.client_email = "unknown@my-gcp-project-123.iam.gserviceaccount.com";
  gcpOtherKey = JSON.stringify(other);
  gcp.addSecret("projects/my-gcp-project-123/secrets/api-key", ["gcp-v1"]);

  azure = await startAzureKVFake("tenant-1");
  caDir = mkdtempSync(join(tmpdir(), "e2e-azure-"));
  writeFileSync(join(caDir, "ca.pem"), azure.caPem);
  azure.clients.set("sp-client", { secret: "sp-secret" });
  azure.setSecret("database-connection-string", "Server=db;Password=v1", {});

  op = await startOnePasswordFake();
  op.addVault("prod");
  op.addItem("prod", { title: "db", fields: [{ label: "password", value: "op-pw" }] });

  doppler = await startDopplerFake();
  doppler.tokens.set("dp.st.e2e", { project: "app", config: "prd" });
  doppler.configs.set("app/prd", { DB_PASSWORD: "dp-pw" });

  gitlab = await startGitlabFake();
  gitlab.projects.set("42", { groups: [], variables: [{ key: "DB_PASSWORD", value: "gl-pw" }] });

  akeyless = await startAkeylessFake();
  akeyless.accessKeys.set("p-123", "the-access-key");
  akeyless.items.set("/app/api", { type: "STATIC_SECRET", versions: ["ak-key"], tags: [] });

  webhook = await startWebhookFake();
  webhook.routes.set("/secrets", (req) => {
    if (req.headers.authorization !== `Basic ${Buffer.from("user:pass").toString("base64")}`) {
      return { status: 401, text: "unauthorized" };
    }
    const key = new URL(req.url, "http://x").searchParams.get("key");
    return key === "db" ? { json: { data: { password: "wh-pw" } } } : { status: 404, text: "unknown key" };
  });

  webhookNtlm = await startWebhookFake({ ntlm: { domain: "CORP", user: "svc-eso", password: "ntlm-pass" } });
  webhookNtlm.routes.set("/secrets", (req) => {
    const key = new URL(req.url, "http://x").searchParams.get("key");
    return key === "db" ? { json: { data: { password: "ntlm-pw" } } } : { status: 404, text: "unknown key" };
  });

  restoreEnv = setEnv({
    [ENDPOINT_ENV.secretsmanager]: aws.url,
    [ENDPOINT_ENV.ssm]: aws.url,
    [ENDPOINT_ENV.acm]: aws.url,
    [ENDPOINT_ENV.sts]: aws.url,
    GCP_SECRETMANAGER_ENDPOINT: gcp.url,
    ESO_AZURE_CA_BUNDLE: join(caDir, "ca.pem"),
    AZURE_AUTHORITY_HOST: azure.url,
    DOPPLER_API_HOST: doppler.url,
  });
});

// Default read coalescing stays on: every step below is a forced sync, which must reach the provider.
const h = useHarness();

after(async () => {
  await Promise.all([
    vault.stop(),
    aws.stop(),
    gcp.close(),
    azure.close(),
    op.close(),
    doppler.close(),
    gitlab.close(),
    akeyless.close(),
    webhook.close(),
    webhookNtlm.close(),
  ]);
  rmSync(caDir, { recursive: true, force: true });
  restoreEnv();
});

const awsCreds = (keyId = "AKIAIOSFODNN7EXAMPLE") => ({
  "aws-credentials": { "access-key-id": keyId, "secret-access-key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
});
const awsAuth = {
  secretRef: {
    accessKeyIDSecretRef: { name: "aws-credentials", key: "access-key-id" },
    secretAccessKeySecretRef: { name: "aws-credentials", key: "secret-access-key" },
  },
};
const awsFault = (kind: "throttle" | "server", action: string) =>
  aws.fault(
    action,
    kind === "throttle"
      ? { status: 400, code: "ThrottlingException", message: "Rate exceeded" }
      : { status: 500, code: "InternalServiceError", message: "internal service error" },
    MANY,
  );

const CASES: ProviderCase[] = [
  {
    name: "vault",
    secrets: () => ({ "vault-token": { token: "vault-root" } }),
    provider: () => ({
      vault: {
        server: vault.url,
        path: "secret",
        version: "v2",
        auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
      },
    }),
    remoteRef: { key: "production/database", property: "connection_url" },
    missingKey: "production/absent",
    expected: "postgres://prod",
    badCredentials: () => ({ "vault-token": { token: "revoked-token" } }),
    fault: (kind) => vault.fault("secret/", { status: kind === "throttle" ? 429 : 500 }, MANY),
    clear: () => vault.clearFaults(),
  },
  {
    name: "aws-secretsmanager",
    secrets: () => awsCreds(),
    provider: () => ({ aws: { service: "SecretsManager", region: "us-east-1", auth: awsAuth } }),
    remoteRef: { key: "production/rds-postgres", property: "password" },
    missingKey: "production/absent",
    expected: "pw",
    badCredentials: () => awsCreds("AKIAREVOKEDEXAMPLE00"),
    fault: (kind) => awsFault(kind, "GetSecretValue"),
    clear: () => aws.clearFaults(),
  },
  {
    name: "aws-parameterstore",
    secrets: () => awsCreds(),
    provider: () => ({ aws: { service: "ParameterStore", region: "us-east-1", auth: awsAuth } }),
    remoteRef: { key: "/production/db/host" },
    missingKey: "/production/absent",
    expected: "db.internal",
    badCredentials: () => awsCreds("AKIAREVOKEDEXAMPLE00"),
    fault: (kind) => awsFault(kind, "GetParameter"),
    clear: () => aws.clearFaults(),
  },
  {
    name: "aws-certificatemanager",
    secrets: () => awsCreds(),
    provider: () => ({ aws: { service: "CertificateManager", region: "us-east-1", auth: awsAuth } }),
    get remoteRef() {
      return { key: acmArn };
    },
    missingKey: "arn:aws:acm:us-east-1:123456789012:certificate/absent",
    get expected() {
      return `${[acmLeaf.certPem, acmChain.certPem, acmLeaf.keyPem].map((p) => p.trim()).join("\n")}\n`;
    },
    badCredentials: () => awsCreds("AKIAREVOKEDEXAMPLE00"),
    fault: (kind) => awsFault(kind, "GetCertificate"),
    clear: () => aws.clearFaults(),
  },
  {
    name: "gcpsm",
    secrets: () => ({ "gcp-sa-credentials": { "sa-key.json": gcpKey } }),
    provider: () => ({
      gcpsm: {
        projectID: "my-gcp-project-123",
        auth: { secretRef: { secretAccessKeySecretRef: { name: "gcp-sa-credentials", key: "sa-key.json" } } },
      },
    }),
    remoteRef: { key: "api-key" },
    missingKey: "absent",
    expected: "gcp-v1",
    badCredentials: () => ({ "gcp-sa-credentials": { "sa-key.json": gcpOtherKey } }),
    fault: (kind) => gcp.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      gcp.faults.length = 0;
    },
  },
  {
    name: "azurekv",
    secrets: () => ({ "azure-sp": { "client-id": "sp-client", "client-secret": "sp-secret" } }),
    provider: () => ({
      azurekv: {
        vaultUrl: azure.url,
        tenantId: "tenant-1",
        authSecretRef: {
          clientId: { name: "azure-sp", key: "client-id" },
          clientSecret: { name: "azure-sp", key: "client-secret" },
        },
      },
    }),
    remoteRef: { key: "database-connection-string" },
    missingKey: "absent",
    expected: "Server=db;Password=v1",
    badCredentials: () => ({ "azure-sp": { "client-id": "sp-client", "client-secret": "wrong-secret" } }),
    fault: (kind) => azure.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      azure.faults.length = 0;
    },
  },
  {
    name: "onepassword",
    secrets: () => ({ op: { token: op.token } }),
    provider: () => ({
      onepassword: {
        connectHost: op.url,
        vaults: { prod: 1 },
        auth: { secretRef: { connectTokenSecretRef: { name: "op", key: "token" } } },
      },
    }),
    remoteRef: { key: "db", property: "password" },
    missingKey: "absent",
    expected: "op-pw",
    badCredentials: () => ({ op: { token: "wrong-token" } }),
    fault: (kind) => op.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      op.faults.length = 0;
    },
  },
  {
    name: "doppler",
    secrets: () => ({ doppler: { token: "dp.st.e2e" } }),
    provider: () => ({ doppler: { auth: { secretRef: { dopplerToken: { name: "doppler", key: "token" } } } } }),
    remoteRef: { key: "DB_PASSWORD" },
    missingKey: "ABSENT",
    expected: "dp-pw",
    badCredentials: () => ({ doppler: { token: "dp.st.wrong" } }),
    fault: (kind) => doppler.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      doppler.faults.length = 0;
    },
  },
  {
    name: "gitlab",
    secrets: () => ({ gl: { token: gitlab.token } }),
    provider: () => ({
      gitlab: { url: gitlab.url, projectID: "42", auth: { SecretRef: { accessToken: { name: "gl", key: "token" } } } },
    }),
    remoteRef: { key: "DB_PASSWORD" },
    missingKey: "ABSENT",
    expected: "gl-pw",
    badCredentials: () => ({ gl: { token: "glpat-wrong" } }),
    fault: (kind) => gitlab.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      gitlab.faults.length = 0;
    },
  },
  {
    name: "akeyless",
    secrets: () => ({ ak: { id: "p-123", type: "api_key", key: "the-access-key" } }),
    provider: () => ({
      akeyless: {
        akeylessGWApiURL: akeyless.url,
        authSecretRef: {
          secretRef: {
            accessID: { name: "ak", key: "id" },
            accessType: { name: "ak", key: "type" },
            accessTypeParam: { name: "ak", key: "key" },
          },
        },
      },
    }),
    remoteRef: { key: "/app/api" },
    missingKey: "/app/absent",
    expected: "ak-key",
    badCredentials: () => ({ ak: { id: "p-123", type: "api_key", key: "wrong-access-key" } }),
    fault: (kind) => akeyless.faults.push(...repeat(kind === "throttle" ? 429 : 502)),
    clear: () => {
      akeyless.faults.length = 0;
    },
  },
  {
    name: "webhook",
    secrets: () => ({ "webhook-credentials": { username: "user", password: "pass" } }),
    provider: () => ({
      webhook: {
        url: `${webhook.url}/secrets?key={{ .remoteRef.key }}`,
        result: { jsonPath: "$.data.password" },
        headers: { Authorization: 'Basic {{ print .auth.username ":" .auth.password | b64enc }}' },
        secrets: [{ name: "auth", secretRef: { name: "webhook-credentials" } }],
      },
    }),
    remoteRef: { key: "db" },
    missingKey: "absent",
    expected: "wh-pw",
    badCredentials: () => ({ "webhook-credentials": { username: "user", password: "wrong" } }),
    fault: (kind) => webhook.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      webhook.faults.length = 0;
    },
  },
  {
    name: "webhook-ntlm",
    secrets: () => ({ ntlm: { username: "CORP\\svc-eso", password: "ntlm-pass" } }),
    provider: () => ({
      webhook: {
        url: `${webhookNtlm.url}/secrets?key={{ .remoteRef.key }}`,
        result: { jsonPath: "$.data.password" },
        auth: {
          ntlm: {
            usernameSecret: { name: "ntlm", key: "username" },
            passwordSecret: { name: "ntlm", key: "password" },
          },
        },
      },
    }),
    remoteRef: { key: "db" },
    missingKey: "absent",
    expected: "ntlm-pw",
    badCredentials: () => ({ ntlm: { username: "CORP\\svc-eso", password: "wrong" } }),
    fault: (kind) => webhookNtlm.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      webhookNtlm.faults.length = 0;
    },
  },
];

async function putSecrets(ns: string, secrets: Record<string, Record<string, string>>): Promise<void> {
  for (const [name, data] of Object.entries(secrets)) {
    const body = secretManifest(ns, name, data);
    const live = await h.client.get(SECRETS, ns, name);
    if (live) await h.client.update(SECRETS, { ...live, data: body.data });
    else await h.client.create(SECRETS, body);
  }
}

async function untilReadyStatus(ns: string, status: "True" | "False", what: string) {
  return eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, ns, "app");
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 30_000, what: what },
  );
}

describe("every provider end to end: success and failure conditions", () => {
  for (const pc of CASES) {
    it(pc.name, async () => {
      const ns = `p-${pc.name}`;
      await createNamespace(h, ns);
      await putSecrets(ns, pc.secrets());
      await h.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "store", namespace: ns },
        spec: { provider: pc.provider() },
      });
      const store = await eventually(
        async () => {
          const c = await readyCondition(h, SECRET_STORES, ns, "store");
          return c?.status ? c : undefined;
        },
        { timeoutMs: 30_000, what: `${pc.name} store validated` },
      );
      assert.equal(store.status, "True", `${pc.name} store: ${store.message}`);

      // success
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("app", ns, {
          refreshInterval: "1h",
          secretStoreRef: { name: "store", kind: "SecretStore" },
          target: { name: "app" },
          data: [{ secretKey: "value", remoteRef: pc.remoteRef }],
        }),
      );
      const ok = await untilReadyStatus(ns, "True", `${pc.name} synced`);
      assert.equal(ok.reason, "SecretSynced");
      const good = await h.client.get(SECRETS, ns, "app");
      assert.deepEqual(decoded(good), { value: pc.expected });
      let rv = good.metadata.resourceVersion;

      const expectFailure = async (pattern: RegExp, what: string) => {
        const c = await untilReadyStatus(ns, "False", `${pc.name}: ${what}`);
        assert.equal(c.reason, "SecretSyncedError", `${pc.name} ${what}`);
        assert.match(c.message ?? "", pattern, `${pc.name} ${what}: ${c.message}`);
        assert.ok(!(c.message ?? "").includes(pc.expected), `${pc.name} ${what}: message leaks the value`);
        const live = await h.client.get(SECRETS, ns, "app");
        assert.equal(live.metadata.resourceVersion, rv, `${pc.name} ${what}: Secret was written`);
        assert.deepEqual(decoded(live), { value: pc.expected });
      };
      const recover = async (what: string, patch?: (es: any) => void) => {
        await forceSync(h, ns, "app", patch);
        await untilReadyStatus(ns, "True", `${pc.name} recovered from ${what}`);
        // The ExternalSecret's annotations are copied to the Secret, so the force-sync stamp is written once.
        const live = await eventually(
          async () => {
            const s = await h.client.get(SECRETS, ns, "app");
            return s?.metadata.annotations?.["force-sync"] ===
              (await h.client.get(EXTERNAL_SECRETS, ns, "app")).metadata.annotations["force-sync"]
              ? s
              : undefined;
          },
          { timeoutMs: 30_000, what: `${pc.name} Secret carries the new stamp` },
        );
        assert.deepEqual(decoded(live), { value: pc.expected });
        rv = live.metadata.resourceVersion;
      };

      // not found
      await forceSync(h, ns, "app", (es) => {
        es.spec.data[0].remoteRef = { key: pc.missingKey };
      });
      await expectFailure(EXPECT.notFound, "not found");
      assert.ok(
        (await readyCondition(h, EXTERNAL_SECRETS, ns, "app"))?.message?.includes(pc.missingKey),
        "the message names the missing key",
      );
      await recover("not found", (es) => {
        es.spec.data[0].remoteRef = pc.remoteRef;
      });

      // auth failure: the credential Secret is replaced by one the service rejects
      await putSecrets(ns, pc.badCredentials());
      await forceSync(h, ns, "app");
      await expectFailure(EXPECT.auth, "auth failure");
      await putSecrets(ns, pc.secrets());
      await recover("auth failure");

      for (const kind of ["throttle", "server"] as const) {
        pc.fault(kind);
        await forceSync(h, ns, "app");
        await expectFailure(EXPECT[kind], kind);
        pc.clear();
        await recover(kind);
      }
    });
  }
});

describe("a provider that does not answer in time", () => {
  it("ends in a clear timeout condition and leaves the Secret alone", async () => {
    const ns = "p-timeout";
    await createNamespace(h, ns);
    let slow = false;
    webhook.routes.set("/slow", (req) => {
      const key = new URL(req.url, "http://x").searchParams.get("key");
      return slow ? { delayMs: 1500, json: { v: "late" } } : { json: { v: `value-of-${key}` } };
    });
    await createReadyStore(h, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "store", namespace: ns },
      spec: {
        provider: {
          webhook: {
            url: `${webhook.url}/slow?key={{ .remoteRef.key }}`,
            result: { jsonPath: "$.v" },
            timeout: "300ms",
          },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app", ns, {
        refreshInterval: "1h",
        secretStoreRef: { name: "store" },
        data: [{ secretKey: "value", remoteRef: { key: "k" } }],
      }),
    );
    await untilReadyStatus(ns, "True", "timeout case synced");
    const rv = (await h.client.get(SECRETS, ns, "app")).metadata.resourceVersion;
    slow = true;
    await forceSync(h, ns, "app");
    const c = await untilReadyStatus(ns, "False", "timeout condition");
    assert.match(c.message ?? "", /timed out|timeout/i);
    const live = await h.client.get(SECRETS, ns, "app");
    assert.equal(live.metadata.resourceVersion, rv);
    assert.deepEqual(decoded(live), { value: "value-of-k" });
    slow = false;
  });
});
