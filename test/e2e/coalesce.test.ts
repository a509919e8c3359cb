/**
 * Coalesced provider reads end to end: the controllers against the in-process API server and the loopback
 * AWS Secrets Manager, counting what reaches AWS.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { FakeAws } from "../fakes/aws-server.js";
import { eventually } from "../support/poll.js";
import {
  createAwsStore,
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  readyCondition,
  SECRETS,
  secretWrites,
  startHarness,
} from "../support/world.js";

/** The controllers' provider caches, so a test can drop the reads they keep. */
const caches = new ClientCaches();

let h: Harness;
let aws: FakeAws;
const KEYS = { a: ["AKIAAAAAAAAAAAAAAAAA", "secret-a"], b: ["AKIABBBBBBBBBBBBBBBB", "secret-b"] } as const;

/** GetSecretValue/BatchGetSecretValue calls AWS received, optionally only those signed with one access key. */
function reads(accessKeyId?: string): number {
  return aws.requests.filter(
    (r) =>
      (r.action === "GetSecretValue" || r.action === "BatchGetSecretValue") &&
      (!accessKeyId || r.accessKeyId === accessKeyId),
  ).length;
}

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  for (const [id, secret] of Object.values(KEYS)) aws.addAccessKey(id, secret);
  for (const k of ["shared/one", "shared/two", "shared/three"]) aws.putSecretString(k, `value-of-${k}`);
  h = await startHarness({ concurrency: 8, coalesceTtlMs: 30_000, providerCaches: caches });
  await createNamespace(h, "coalesce");
  await createAwsStore(h, "coalesce", "aws", "aws-creds", KEYS.a);
});

after(async () => {
  await h.stop();
  await aws.stop();
  caches.clear();
});

describe("coalesced provider reads (AWS Secrets Manager test server)", () => {
  it("100 ExternalSecrets reading the same 3 remote keys cost at most 3 provider calls per cycle", async () => {
    aws.requests.length = 0;
    const names = Array.from({ length: 100 }, (_, i) => `es-${i}`);
    for (const name of names) {
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name, "coalesce", {
          refreshInterval: "3s",
          secretStoreRef: { name: "aws", kind: "SecretStore" },
          target: { name },
          data: ["one", "two", "three"].map((k) => ({ secretKey: k, remoteRef: { key: `shared/${k}` } })),
        }),
      );
    }
    await eventually(
      async () => {
        for (const name of names) {
          if ((await readyCondition(h, EXTERNAL_SECRETS, "coalesce", name))?.status !== "True") return false;
        }
        return true;
      },
      { timeoutMs: 60_000, what: "100 ExternalSecrets Ready" },
    );
    assert.deepEqual(decoded(await h.client.get(SECRETS, "coalesce", "es-42")), {
      one: "value-of-shared/one",
      two: "value-of-shared/two",
      three: "value-of-shared/three",
    });
    const firstCycle = reads();
    assert.ok(firstCycle >= 1 && firstCycle <= 3, `first cycle: ${firstCycle} provider calls`);

    // The next refresh cycle (interval 3 s): still at most 3 calls, and nothing changed so no Secret writes.
    caches.reads.clear();
    aws.requests.length = 0;
    h.api.resetCounts();
    const before = new Map<string, string>();
    for (const name of names) {
      before.set(name, (await h.client.get(EXTERNAL_SECRETS, "coalesce", name)).status.refreshTime);
    }
    await eventually(
      async () => {
        for (const name of names) {
          const es = await h.client.get(EXTERNAL_SECRETS, "coalesce", name);
          if (es.status?.refreshTime === before.get(name)) return false;
        }
        return true;
      },
      { timeoutMs: 60_000, what: "second cycle" },
    );
    // Real time: lets the cycle's last in-flight provider reads finish before counting them.
    await new Promise((r) => setTimeout(r, 300));
    const second = reads();
    assert.ok(second >= 1 && second <= 3, `second cycle: ${second} provider calls`);
    assert.equal(secretWrites(h), 0, "nothing changed, so no Secret writes");
  });

  it("two SecretStores with different credentials never share cached values", async () => {
    await createAwsStore(h, "coalesce", "aws-b", "aws-creds-b", KEYS.b);
    aws.requests.length = 0;
    for (const [name, store] of [
      ["via-a", "aws"],
      ["via-b", "aws-b"],
    ]) {
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name!, "coalesce", {
          refreshInterval: "1h",
          secretStoreRef: { name: store, kind: "SecretStore" },
          target: { name },
          data: [{ secretKey: "v", remoteRef: { key: "shared/one" } }],
        }),
      );
      await eventually(
        async () => decoded(await h.client.get(SECRETS, "coalesce", name!)).v === "value-of-shared/one",
        { timeoutMs: 30_000, what: `${name} synced` },
      );
    }
    // Store A's answer for shared/one is cached; store B still asks AWS, with its own key.
    assert.equal(reads(KEYS.b[0]), 1, "store B read with its own credentials");

    // Rotating store B's credentials changes its scope: the next read goes to AWS with the new key.
    aws.addAccessKey("AKIACCCCCCCCCCCCCCCC", "secret-c");
    const cred = await h.client.get(SECRETS, "coalesce", "aws-creds-b");
    cred.data = {
      id: Buffer.from("AKIACCCCCCCCCCCCCCCC").toString("base64"),
      secret: Buffer.from("secret-c").toString("base64"),
    };
    await h.client.update(SECRETS, cred);
    const es = await h.client.get(EXTERNAL_SECRETS, "coalesce", "via-b");
    es.metadata.annotations = { "force-sync": "2" };
    await h.client.update(EXTERNAL_SECRETS, es);
    await eventually(async () => reads("AKIACCCCCCCCCCCCCCCC") === 1, {
      timeoutMs: 30_000,
      what: "read with rotated credentials",
    });
  });
});
