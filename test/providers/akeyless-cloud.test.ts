/**
 * Akeyless access types aws_iam, azure_ad and gcp (the cloud id Akeyless' /auth accepts, checked by the fake as
 * Akeyless checks it), their refusal for SecretStores, kubernetesAuth.serviceAccountRef, and ignoreCache.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { akeylessProvider } from "../../src/providers/akeyless/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError, StoreConfigError } from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { type AkeylessFake, startAkeylessFake } from "../fakes/akeyless-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "GCE_METADATA_HOST",
] as const;

describe("akeyless cloud identities", () => {
  let fake: AkeylessFake;
  let kube: MemoryKubeAccess;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    for (const k of ENV) saved[k] = process.env[k];
    fake = await startAkeylessFake();
    process.env.AWS_ACCESS_KEY_ID = "AKIAOPERATOR";
    process.env.AWS_SECRET_ACCESS_KEY = "operator-secret-key";
    process.env.AWS_SESSION_TOKEN = "operator-session";
    process.env.AWS_CONFIG_FILE = "/nonexistent";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent";
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    delete process.env.AWS_PROFILE;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = fake.metadata.url;
    process.env.GCE_METADATA_HOST = fake.metadata.url.replace(/^http:\/\//, "");
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await fake.close();
  });
  beforeEach(() => {
    fake.items.clear();
    fake.items.set("/app/db", { type: "STATIC_SECRET", versions: ["s3cr3t"] });
    fake.items.set("/rot/admin", { type: "ROTATED_SECRET", value: { password: "rotated" } });
    fake.items.set("/dyn/pg", { type: "DYNAMIC_SECRET", value: { password: "gen" } });
    fake.cloud = {
      aws: { accessId: "p-aws", accessKeyId: "AKIAOPERATOR", secretAccessKey: "operator-secret-key" },
      azure: { accessId: "p-az", objectId: "obj-123" },
      gcp: { accessId: "p-gcp", audience: "akeyless.io" },
    };
    fake.cloudRefusals.length = 0;
    fake.ignoreCacheOps.length = 0;
    kube = new MemoryKubeAccess()
      .setSecret("infra", "aws", { id: "p-aws", type: "aws_iam" })
      .setSecret("infra", "az", { id: "p-az", type: "azure_ad", param: "obj-123" })
      .setSecret("infra", "gcp", { id: "p-gcp", type: "gcp" })
      .setSecret("infra", "gcp-aud", { id: "p-gcp", type: "gcp", param: "custom-aud" })
      .setSecret("ns", "aws", { id: "p-aws", type: "aws_iam" })
      .setServiceAccount("infra", "akeyless-auth");
  });

  const cluster = (): ProviderContext => ({
    kube,
    caches: new ClientCaches(),
    storeKind: "ClusterSecretStore",
    storeName: "ak",
    namespace: "apps",
  });
  const spec = (secret: string, ns = "infra", extra: Record<string, unknown> = {}) => {
    const withParam = ["az", "gcp-aud"].includes(secret);
    return {
      akeylessGWApiURL: fake.url,
      authSecretRef: {
        secretRef: {
          accessID: { name: secret, key: "id", namespace: ns },
          accessType: { name: secret, key: "type", namespace: ns },
          ...(withParam ? { accessTypeParam: { name: secret, key: "param", namespace: ns } } : {}),
        },
      },
      ...extra,
    } as any;
  };

  test("aws_iam: a SigV4-signed sts:GetCallerIdentity of the operator's AWS identity", async () => {
    const c = await akeylessProvider.newClient(spec("aws"), cluster());
    assert.equal((await c.getSecret({ key: "/app/db" })).toString(), "s3cr3t");
    assert.deepEqual(fake.cloudRefusals, []);
    // Another key: Akeyless' replay to STS would fail.
    fake.cloud.aws = { accessId: "p-aws", accessKeyId: "AKIAOPERATOR", secretAccessKey: "not-the-key" };
    await assert.rejects(akeylessProvider.newClient(spec("aws"), cluster()), ProviderAuthError);
    assert.deepEqual(fake.cloudRefusals, ["signature mismatch"]);
  });

  test("azure_ad: an IMDS token for Azure Resource Manager, for the object id in accessTypeParam", async () => {
    const c = await akeylessProvider.newClient(spec("az"), cluster());
    assert.equal((await c.getSecret({ key: "/app/db" })).toString(), "s3cr3t");
    assert.ok(fake.metadata.requests.some((r) => r.includes("resource=https%3A%2F%2Fmanagement.azure.com%2F")));
    fake.cloud.azure = { accessId: "p-az", objectId: "someone-else" };
    await assert.rejects(akeylessProvider.newClient(spec("az"), cluster()), ProviderAuthError);
    assert.deepEqual(fake.cloudRefusals, ["another identity"]);
  });

  test("gcp: a metadata-server identity token for the audience (default akeyless.io), base64-encoded", async () => {
    const c = await akeylessProvider.newClient(spec("gcp"), cluster());
    assert.equal((await c.getSecret({ key: "/app/db" })).toString(), "s3cr3t");
    await assert.rejects(akeylessProvider.newClient(spec("gcp-aud"), cluster()), ProviderAuthError);
    assert.deepEqual(fake.cloudRefusals, ["wrong audience"]);
    fake.cloud.gcp = { accessId: "p-gcp", audience: "custom-aud" };
    await akeylessProvider.newClient(spec("gcp-aud"), cluster());
  });

  test("a SecretStore may not send the operator's cloud identity", async () => {
    const ns: ProviderContext = {
      kube,
      caches: new ClientCaches(),
      storeKind: "SecretStore",
      storeName: "ak",
      namespace: "ns",
    };
    const before = fake.metadata.requests.length;
    const authCalls = fake.requests.filter((r) => r.endsWith("/auth")).length;
    await assert.rejects(akeylessProvider.newClient(spec("aws", "ns"), ns), (e: Error) => {
      assert.ok(e instanceof StoreConfigError, e.message);
      assert.match(
        e.message,
        /^spec\.provider\.akeyless\.authSecretRef\.secretRef\.accessType: a SecretStore must set/,
      );
      return true;
    });
    assert.equal(fake.metadata.requests.length, before);
    // Nothing was fetched from the metadata services and nothing was sent to the gateway.
    assert.equal(fake.requests.filter((r) => r.endsWith("/auth")).length, authCalls);
  });

  test("cloud ids and credentials never appear in errors", async () => {
    fake.cloud.aws = { accessId: "p-aws", accessKeyId: "AKIAOPERATOR", secretAccessKey: "x" };
    await assert.rejects(akeylessProvider.newClient(spec("aws"), cluster()), (e: Error) => {
      for (const s of ["operator-secret-key", "operator-session", "sts_request"]) assert.ok(!e.message.includes(s));
      return true;
    });
  });

  test("ignoreCache sends ignore-cache on static and rotated reads; off by default", async () => {
    const plain = await akeylessProvider.newClient(spec("aws"), cluster());
    await plain.getSecret({ key: "/app/db" });
    assert.deepEqual(fake.ignoreCacheOps, []);
    const fresh = await akeylessProvider.newClient(spec("aws", "infra", { ignoreCache: true }), cluster());
    await fresh.getSecret({ key: "/app/db" });
    await fresh.getSecret({ key: "/rot/admin" });
    assert.deepEqual(fake.ignoreCacheOps, ["get-secret-value", "get-rotated-secret-value"]);
  });

  test("kubernetesAuth.serviceAccountRef: a TokenRequest for that ServiceAccount; namespace required cluster-wide", async () => {
    fake.k8sAuth = (id, conf, jwt) =>
      id === "p-k8s" && conf === "conf" && kube.verifyToken(jwt)?.sub === "system:serviceaccount:infra:akeyless-auth";
    const k8s = (namespace?: string) =>
      ({
        akeylessGWApiURL: fake.url,
        authSecretRef: {
          kubernetesAuth: {
            accessID: "p-k8s",
            k8sConfName: "conf",
            serviceAccountRef: { name: "akeyless-auth", namespace },
          },
        },
      }) as any;
    const c = await akeylessProvider.newClient(k8s("infra"), cluster());
    assert.equal((await c.getSecret({ key: "/app/db" })).toString(), "s3cr3t");
    assert.ok(
      akeylessProvider
        .validate(k8s(), "ClusterSecretStore")
        .errors.includes(
          "spec.provider.akeyless.authSecretRef.kubernetesAuth.serviceAccountRef.namespace: is required for a ClusterSecretStore",
        ),
    );
    assert.deepEqual(akeylessProvider.validate(k8s(), "SecretStore").errors, []);
  });
});
