/**
 * Kept AWS SDK clients: reconciles of one store reuse one client and its credentials, the credentials Secret
 * is read once per reconcile, tenants with different credentials never share a client, rotated credentials
 * replace the kept client, and the cache stays bounded.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { AWSProvider as AWSProviderSpec } from "../../src/api/providers/aws.js";
import { sdkClientStats } from "../../src/providers/aws/client.js";
import { AwsClientCache } from "../../src/providers/aws/client-cache.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { memoize } from "../../src/providers/aws/kit/credentials.js";
import { ClientCaches } from "../../src/providers/caches.js";
import type { ProviderContext, SecretsClient, StoreKind } from "../../src/providers/provider.js";
import { FakeAws } from "../fakes/aws-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newAwsProvider({ maxAttempts: 1, requestTimeoutMs: 2_000, connectionTimeoutMs: 2_000 });
const TENANT_A = { ns: "tenant-a", id: "AKIATENANTAAAAAAAAAA", secret: "tenant-a-secret-key" };
const TENANT_B = { ns: "tenant-b", id: "AKIATENANTBBBBBBBBBB", secret: "tenant-b-secret-key" };

let aws: FakeAws;
/** SDK clients and credentials are kept for the length of one test. */
let caches = new ClientCaches();
let kube: MemoryKubeAccess;

const spec = (extra: Partial<AWSProviderSpec> = {}): AWSProviderSpec => ({
  service: "SecretsManager",
  region: "us-east-1",
  auth: {
    secretRef: {
      accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
      secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
    },
  },
  ...extra,
});

function ctx(namespace: string, storeName = "aws", storeKind: StoreKind = "SecretStore"): ProviderContext {
  return { kube, caches, storeKind, storeName, namespace };
}

/** One reconcile: build the client, read one key, close it. Returns the access key the read was signed with. */
async function reconcile(c: ProviderContext, s = spec()): Promise<string | undefined> {
  const client: SecretsClient = await provider.newClient(s, c);
  try {
    assert.equal((await client.getSecret({ key: "shared/config" })).toString(), "config-value");
    return aws.requests.at(-1)?.accessKeyId;
  } finally {
    await client.close();
  }
}

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.ssm] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  for (const t of [TENANT_A, TENANT_B]) aws.addAccessKey(t.id, t.secret);
  aws.putSecretString("shared/config", "config-value");
});

after(async () => {
  caches.clear();
  await aws.stop();
});

beforeEach(() => {
  caches.clear();
  caches = new ClientCaches();
  kube = new MemoryKubeAccess();
  for (const t of [TENANT_A, TENANT_B]) kube.setSecret(t.ns, "aws-creds", { id: t.id, secret: t.secret });
  kube.setServiceAccount(TENANT_A.ns, "irsa", { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/a" });
  aws.requests.length = 0;
  aws.sessions.length = 0;
});

describe("aws: kept SDK clients", () => {
  test("reconciles of one store reuse one client; the credentials Secret is read once per reconcile", async () => {
    const before = sdkClientStats(caches).built;
    for (let i = 0; i < 20; i++) assert.equal(await reconcile(ctx(TENANT_A.ns)), TENANT_A.id);
    assert.deepEqual(sdkClientStats(caches), { kept: 1, built: before + 1 });
    assert.equal(kube.secretReads, 20, "one read of aws-creds per reconcile, not one per key");
  });

  test("temporary credentials are kept with the client: one AssumeRole / web identity call for many reconciles", async () => {
    const role = spec({ role: "arn:aws:iam::123456789012:role/reader" });
    const irsa = spec({ auth: { jwt: { serviceAccountRef: { name: "irsa" } } } });
    for (let i = 0; i < 10; i++) {
      assert.match(String(await reconcile(ctx(TENANT_A.ns, "assumed"), role)), /^ASIA/);
      assert.match(String(await reconcile(ctx(TENANT_A.ns, "irsa"), irsa)), /^ASIA/);
    }
    assert.equal(aws.count("AssumeRole"), 1);
    assert.equal(aws.count("AssumeRoleWithWebIdentity"), 1);
    assert.equal(kube.issued.length, 1, "one TokenRequest");
  });

  test("tenants with different credentials never share a client, even for the same store name", async () => {
    const before = sdkClientStats(caches).built;
    for (let i = 0; i < 5; i++) {
      assert.equal(await reconcile(ctx(TENANT_A.ns)), TENANT_A.id);
      assert.equal(await reconcile(ctx(TENANT_B.ns)), TENANT_B.id);
      // A ClusterSecretStore resolves credentials in the requesting namespace: one client per namespace.
      assert.equal(await reconcile(ctx(TENANT_A.ns, "cluster", "ClusterSecretStore")), TENANT_A.id);
      assert.equal(await reconcile(ctx(TENANT_B.ns, "cluster", "ClusterSecretStore")), TENANT_B.id);
    }
    assert.deepEqual(sdkClientStats(caches), { kept: 4, built: before + 4 });
    for (const t of [TENANT_A, TENANT_B]) {
      assert.equal(aws.requests.filter((r) => r.accessKeyId === t.id).length, 10);
    }
  });

  test("two stores of one namespace with different credential Secrets sign with their own keys", async () => {
    kube.setSecret(TENANT_A.ns, "other-creds", { id: TENANT_B.id, secret: TENANT_B.secret });
    const other = spec({
      auth: {
        secretRef: {
          accessKeyIDSecretRef: { name: "other-creds", key: "id" },
          secretAccessKeySecretRef: { name: "other-creds", key: "secret" },
        },
      },
    });
    for (let i = 0; i < 3; i++) {
      assert.equal(await reconcile(ctx(TENANT_A.ns, "first")), TENANT_A.id);
      assert.equal(await reconcile(ctx(TENANT_A.ns, "second"), other), TENANT_B.id);
    }
  });

  test("rotated credentials replace the kept client at the next reconcile", async () => {
    assert.equal(await reconcile(ctx(TENANT_A.ns)), TENANT_A.id);
    kube.setSecret(TENANT_A.ns, "aws-creds", { id: TENANT_B.id, secret: TENANT_B.secret });
    assert.equal(await reconcile(ctx(TENANT_A.ns)), TENANT_B.id);
    assert.equal(sdkClientStats(caches).kept, 1, "the client of the old credentials was dropped");
    // Same key id, new secret: a different client too (the old one would fail to sign).
    aws.addAccessKey(TENANT_B.id, "rotated-secret");
    kube.setSecret(TENANT_A.ns, "aws-creds", { id: TENANT_B.id, secret: "rotated-secret" });
    assert.equal(await reconcile(ctx(TENANT_A.ns)), TENANT_B.id);
    aws.addAccessKey(TENANT_B.id, TENANT_B.secret);
  });

  test("a client in use keeps working after eviction; the cache stays bounded", async () => {
    const held = await provider.newClient(spec(), ctx(TENANT_A.ns, "held"));
    for (let i = 0; i < 300; i++) {
      const c = await provider.newClient(spec(), ctx(TENANT_B.ns, `store-${i}`));
      await c.close();
    }
    assert.ok(sdkClientStats(caches).kept <= 256, `${sdkClientStats(caches).kept} kept clients`);
    assert.equal((await held.getSecret({ key: "shared/config" })).toString(), "config-value");
    await held.close();
  });

  test("errors from a kept client never contain the secret key", async () => {
    aws.fault("GetSecretValue", { status: 400, code: "AccessDeniedException", message: "denied" });
    const c = await provider.newClient(spec(), ctx(TENANT_A.ns));
    const err = await c.getSecret({ key: "shared/config" }).catch((e: Error) => e);
    await c.close();
    assert.ok(err instanceof Error);
    assert.doesNotMatch(`${err.message} ${String(err.stack)}`, new RegExp(TENANT_A.secret));
  });
});

describe("aws: client cache and credential refresh", () => {
  test("an evicted client is destroyed only once its last holder releases it", () => {
    const destroyed: string[] = [];
    const cache = new AwsClientCache<{ name: string; destroy(): void }>(2);
    const make = (name: string) => () => ({ name, destroy: () => destroyed.push(name) });
    const a = cache.acquire("store-a", "ka", make("a"));
    cache.acquire("store-b", "kb", make("b")).release();
    cache.acquire("store-c", "kc", make("c")).release();
    assert.deepEqual(destroyed, [], "a is evicted but still held");
    a.release();
    a.release();
    assert.deepEqual(destroyed, ["a"]);
    // New credentials for store-b: its old client goes at once.
    cache.acquire("store-b", "kb2", make("b2")).release();
    assert.deepEqual(destroyed, ["a", "b"]);
    assert.equal(cache.size, 2);
  });

  test("kept temporary credentials are fetched again before they expire", async () => {
    let calls = 0;
    let expiresIn = 60 * 60_000;
    const creds = memoize(async () => {
      calls++;
      return { accessKeyId: `ASIA${calls}`, secretAccessKey: "s", expiration: new Date(Date.now() + expiresIn) };
    });
    assert.equal((await creds()).accessKeyId, "ASIA1");
    assert.equal((await creds()).accessKeyId, "ASIA1");
    expiresIn = 2 * 60_000; // inside the refresh margin: every use fetches fresh credentials
    const soon = memoize(async () => {
      calls++;
      return { accessKeyId: `ASIA${calls}`, secretAccessKey: "s", expiration: new Date(Date.now() + expiresIn) };
    });
    assert.equal((await soon()).accessKeyId, "ASIA2");
    assert.equal((await soon()).accessKeyId, "ASIA3");
  });
});
