import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError, StoreConfigError } from "../../src/providers/errors.js";
import { gcpSMProvider } from "../../src/providers/gcpsm/index.js";
import type { ProviderContext, StoreKind } from "../../src/providers/provider.js";
import { type GcpFake, pointGoogleClientsAt, startGcpFake } from "../fakes/gcpsm-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const PROJECT = "my-gcp-project-123";
const K8S_AUDIENCE =
  "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/k8s-pool/providers/k8s-provider";
const AWS_AUDIENCE =
  "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws-pool/providers/aws-provider";
const GSA = "eso-reader@my-gcp-project-123.iam.gserviceaccount.com";
const JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
const AWS_TYPE = "urn:ietf:params:aws:token-type:aws4_request";

describe("gcpsm auth.workloadIdentityFederation (off GKE)", () => {
  let fake: GcpFake;
  let kube: MemoryKubeAccess;
  let dir: string;
  let restoreEnv: () => void;
  const ctx = (storeKind: StoreKind = "SecretStore"): ProviderContext => ({
    kube,
    caches: new ClientCaches(),
    storeKind,
    storeName: "gcp",
    namespace: "team",
  });
  const spec = (wif: Record<string, unknown>) =>
    ({ projectID: PROJECT, auth: { workloadIdentityFederation: wif } }) as any;
  const read = async (s: unknown, c = ctx()) =>
    (await (await gcpSMProvider.newClient(s as any, c)).getSecret({ key: "db-password" })).toString();

  before(async () => {
    fake = await startGcpFake();
    restoreEnv = pointGoogleClientsAt(fake.url, { metadata: false });
    dir = mkdtempSync(join(tmpdir(), "gcp-wif-"));
  });
  after(async () => {
    restoreEnv();
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  });
  beforeEach(() => {
    fake.secrets.clear();
    fake.tokenKinds.length = 0;
    fake.stsExchanges.length = 0;
    fake.impersonable.clear();
    fake.awsKeys.clear();
    fake.addSecret(`projects/${PROJECT}/secrets/db-password`, ["federated-value"]);
    kube = new MemoryKubeAccess()
      .setServiceAccount("team", "eso-reader")
      .setServiceAccount("team", "impersonating", { "iam.gke.io/gcp-service-account": GSA })
      .setSecret("team", "aws-creds", {
        aws_access_key_id: "AKIAGCPFED",
        aws_secret_access_key: "aws-fed-secret",
        aws_session_token: "aws-fed-session",
      });
    // STS accepts Kubernetes tokens this cluster minted for the pool provider's audience.
    fake.sts = (audience, token) => {
      const claims = kube.verifyToken(token);
      return audience === K8S_AUDIENCE && !!claims?.aud.includes(K8S_AUDIENCE);
    };
  });

  test("serviceAccountRef: a TokenRequest token (the ref's audiences) exchanged at STS, used directly", async () => {
    const s = spec({ serviceAccountRef: { name: "eso-reader", audiences: [K8S_AUDIENCE] }, audience: K8S_AUDIENCE });
    assert.deepEqual(gcpSMProvider.validate(s, "SecretStore").errors, []);
    assert.equal(await read(s), "federated-value");
    assert.deepEqual(kube.issued.at(-1), {
      namespace: "team",
      serviceAccount: "eso-reader",
      audiences: [K8S_AUDIENCE],
      expirationSeconds: 600,
    });
    assert.deepEqual(fake.stsExchanges, [
      {
        audience: K8S_AUDIENCE,
        subjectTokenType: JWT_TYPE,
        scope: "https://www.googleapis.com/auth/cloud-platform",
        accepted: true,
      },
    ]);
    assert.deepEqual(fake.tokenKinds, ["sts"]);
  });

  test("serviceAccountRef with the gcp-service-account annotation impersonates that Google account", async () => {
    fake.impersonable.add(GSA);
    const s = spec({ serviceAccountRef: { name: "impersonating", audiences: [K8S_AUDIENCE] }, audience: K8S_AUDIENCE });
    assert.equal(await read(s), "federated-value");
    assert.deepEqual(fake.tokenKinds, ["sts", `impersonate:${GSA}`]);
  });

  test("a token STS rejects (wrong audience) is an auth error naming the exchange", async () => {
    const s = spec({ serviceAccountRef: { name: "eso-reader" }, audience: K8S_AUDIENCE });
    await assert.rejects(read(s), (e: Error) => e instanceof ProviderAuthError && /STS token exchange/.test(e.message));
  });

  test("awsSecurityCredentials: a signed GetCallerIdentity bound to the audience, keys from the Secret", async () => {
    fake.awsKeys.set("AKIAGCPFED", { secret: "aws-fed-secret", sessionToken: "aws-fed-session" });
    const s = spec({
      awsSecurityCredentials: { region: "eu-west-1", awsCredentialsSecretRef: { name: "aws-creds" } },
      audience: AWS_AUDIENCE,
    });
    assert.equal(await read(s), "federated-value");
    assert.equal(fake.stsExchanges[0]?.subjectTokenType, AWS_TYPE);
    assert.equal(fake.stsExchanges[0]?.accepted, true);
    // The same keys with the wrong secret are refused by the signature check.
    fake.awsKeys.set("AKIAGCPFED", { secret: "other", sessionToken: "aws-fed-session" });
    await assert.rejects(read(s), (e: Error) => {
      assert.ok(e instanceof ProviderAuthError);
      assert.ok(!e.message.includes("aws-fed-secret") && !e.message.includes("aws-fed-session"));
      return true;
    });
  });

  test("awsSecurityCredentials: a Secret without the key pair is a config error", async () => {
    kube.setSecret("team", "half", { aws_access_key_id: "AKIA" });
    const s = spec({
      awsSecurityCredentials: { region: "eu-west-1", awsCredentialsSecretRef: { name: "half" } },
      audience: AWS_AUDIENCE,
    });
    await assert.rejects(
      read(s),
      (e: Error) => e instanceof StoreConfigError && /aws_secret_access_key/.test(e.message),
    );
  });

  test("credConfig: an external_account config with a URL source and impersonation", async () => {
    fake.impersonable.add(GSA);
    const endpoint = `${fake.url}/computeMetadata/v1/instance/attributes/oidc-token`;
    fake.metadataAttributes["oidc-token"] = JSON.stringify({ id_token: "external-idp-token" });
    fake.sts = (audience, token) => audience === K8S_AUDIENCE && token === "external-idp-token";
    kube.setConfigMap("team", "wif-config", {
      "credential-configuration.json": JSON.stringify({
        type: "external_account",
        audience: K8S_AUDIENCE,
        subject_token_type: JWT_TYPE,
        token_url: "https://sts.googleapis.com/v1/token",
        service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${GSA}:generateAccessToken`,
        credential_source: {
          url: endpoint,
          headers: { "Metadata-Flavor": "Google" },
          format: { type: "json", subject_token_field_name: "id_token" },
        },
      }),
    });
    const s = spec({
      credConfig: { name: "wif-config", key: "credential-configuration.json" },
      externalTokenEndpoint: endpoint,
    });
    assert.equal(await read(s), "federated-value");
    assert.deepEqual(fake.tokenKinds, ["sts", `impersonate:${GSA}`]);
  });

  test("credConfig checks as upstream: URL source, token_url, executables, the operator's token, files", async () => {
    const withSource = (source: unknown, extra: Record<string, unknown> = {}) => {
      kube.setConfigMap("team", "cfg", {
        json: JSON.stringify({ type: "external_account", audience: K8S_AUDIENCE, credential_source: source, ...extra }),
      });
      return spec({ credConfig: { name: "cfg", key: "json" }, externalTokenEndpoint: "https://idp.example/token" });
    };
    const refused = async (s: unknown, re: RegExp, c = ctx()) =>
      assert.rejects(read(s, c), (e: Error) => e instanceof StoreConfigError && re.test(e.message));
    await refused(withSource({ url: "https://elsewhere.example/token" }), /does not match .*externalTokenEndpoint/);
    await refused(withSource({ url: "https://idp.example/token" }, { token_url: "https://evil/token" }), /token_url/);
    await refused(withSource({ executable: { command: "/bin/sh" } }), /executable: is not allowed/);
    await refused(withSource({ file: "/var/run/secrets/kubernetes.io/serviceaccount/token" }), /operator's own/);
    await refused(withSource({ environment_id: "aws1" }), /awsSecurityCredentials/);
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "file-token\n");
    await refused(withSource({ file: tokenFile }), /SecretStore|operator/);
    fake.sts = (_a, token) => token === "file-token";
    assert.equal(await read(withSource({ file: tokenFile }), ctx("ClusterSecretStore")), "federated-value");
  });

  test("validate names the missing and conflicting fields", () => {
    const errs = (s: unknown) => gcpSMProvider.validate(s as any, "SecretStore").errors;
    assert.deepEqual(errs(spec({ serviceAccountRef: { name: "eso-reader" } })), [
      "spec.provider.gcpsm.auth.workloadIdentityFederation.audience: is required with serviceAccountRef or awsSecurityCredentials",
    ]);
    assert.ok(
      errs(spec({ audience: K8S_AUDIENCE })).includes(
        "spec.provider.gcpsm.auth.workloadIdentityFederation: exactly one of credConfig, awsSecurityCredentials or serviceAccountRef must be set",
      ),
    );
    const both = {
      projectID: PROJECT,
      auth: {
        workloadIdentity: { serviceAccountRef: { name: "a" } },
        workloadIdentityFederation: { serviceAccountRef: { name: "a" }, audience: K8S_AUDIENCE },
      },
    };
    assert.match(errs(both).join(), /only one of secretRef, workloadIdentity or workloadIdentityFederation/);
  });

  test("a SecretStore cannot reach a ServiceAccount or Secret of another namespace", async () => {
    const s = spec({
      awsSecurityCredentials: {
        region: "eu-west-1",
        awsCredentialsSecretRef: { name: "aws-creds", namespace: "other" },
      },
      audience: AWS_AUDIENCE,
    });
    await assert.rejects(read(s), StoreConfigError);
    const sa = spec({ serviceAccountRef: { name: "eso-reader", namespace: "other" }, audience: K8S_AUDIENCE });
    await assert.rejects(read(sa), StoreConfigError);
  });
});
