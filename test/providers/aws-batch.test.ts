/**
 * BatchGetSecretValue through the AWS provider against the loopback fake: a caller that IAM refuses the batch
 * operation pays for one refused call, after which reconciles with that client go straight to GetSecretValue
 * (values still arrive); transient batch failures (throttling, 5xx, timeouts) keep batching on; another store's
 * client is unaffected, and the refusal is forgotten after BATCH_UNAVAILABLE_MS.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { AWSProvider as AWSProviderSpec } from "../../src/api/providers/aws.js";
import {
  BATCH_UNAVAILABLE_MS,
  batchAvailable,
  isBatchRefused,
  markBatchUnavailable,
} from "../../src/providers/aws/batch-availability.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import type { ProviderContext, RemoteRef } from "../../src/providers/provider.js";
import { FakeAws } from "../fakes/aws-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const NS = "batch-team";
const KEY = { id: "AKIABATCHDENIED00001", secret: "batch-denied-secret-key" };
const COUNT = 6;
const provider = newAwsProvider({
  maxAttempts: 2,
  retryBaseMs: 5,
  // Generous for a loaded machine; the timeout case below delays answers well past it.
  requestTimeoutMs: 1_000,
  connectionTimeoutMs: 1_000,
});
const spec: AWSProviderSpec = {
  service: "SecretsManager",
  region: "us-east-1",
  auth: {
    secretRef: {
      accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
      secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
    },
  },
};
const refs: RemoteRef[] = Array.from({ length: COUNT }, (_, i) => ({ key: `app/${i}` }));

let aws: FakeAws;
/** SDK clients and credentials are kept for the length of one test. */
let caches = new ClientCaches();
let kube: MemoryKubeAccess;

const ctx = (storeName = "aws"): ProviderContext => ({
  kube,
  caches,
  storeKind: "SecretStore",
  storeName,
  namespace: NS,
});

/** One reconcile's reads of every ref through one provider client, as the coalescer hands them over. */
async function sync(storeName = "aws"): Promise<{ values: string[]; batchable: boolean }> {
  const client = await provider.newClient(spec, ctx(storeName));
  const batch = client.batchReads;
  assert.ok(batch, "a Secrets Manager client reads in batches");
  try {
    const answers = await batch.getSecretBatch(refs);
    const values = answers.map((a) => {
      if (a instanceof Error) throw a;
      return a.toString();
    });
    return { values, batchable: batch.batchable(refs[0]!) };
  } finally {
    await client.close();
  }
}

const expected = () => refs.map((_, i) => `value-${i}`);
const calls = () => ({ batch: aws.count("BatchGetSecretValue"), single: aws.count("GetSecretValue") });

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  aws.addAccessKey(KEY.id, KEY.secret);
  for (let i = 0; i < COUNT; i++) aws.putSecretString(`app/${i}`, `value-${i}`);
});

after(async () => {
  caches.clear();
  await aws.stop();
});

beforeEach(() => {
  caches.clear();
  caches = new ClientCaches();
  kube = new MemoryKubeAccess().setSecret(NS, "aws-creds", { id: KEY.id, secret: KEY.secret });
  aws.requests.length = 0;
});

afterEach(() => {
  aws.allow("BatchGetSecretValue");
  aws.clearFaults();
});

describe("aws secrets manager: BatchGetSecretValue availability", () => {
  test("allowed: one batch call per sync serves every value", async () => {
    for (let i = 0; i < 3; i++) assert.deepEqual((await sync()).values, expected());
    assert.deepEqual(calls(), { batch: 3, single: 0 }, "up to 20 ids are answered by one call");
  });

  test("refused: one refused batch, then later syncs read one by one without trying the batch again", async () => {
    aws.deny("BatchGetSecretValue");
    const first = await sync();
    assert.deepEqual(first.values, expected());
    assert.equal(first.batchable, false, "the coalescer is told to read singly from now on");
    assert.deepEqual(calls(), { batch: 1, single: COUNT }, "refusal is not retried by the SDK");

    for (let i = 0; i < 4; i++) assert.deepEqual((await sync()).values, expected());
    assert.deepEqual(calls(), { batch: 1, single: 5 * COUNT }, "no BatchGetSecretValue after the refusal");

    // Another store has its own client: it tries batching on its own.
    await sync("other-store");
    assert.equal(calls().batch, 2);
  });

  test("refusal is remembered per client: rotated credentials get a new client that tries batching again", async () => {
    aws.deny("BatchGetSecretValue");
    await sync();
    aws.allow("BatchGetSecretValue");
    await sync();
    assert.equal(calls().batch, 1, "same client: still reading singly");
    aws.addAccessKey("AKIABATCHROTATED0002", "rotated-secret-key");
    kube.setSecret(NS, "aws-creds", { id: "AKIABATCHROTATED0002", secret: "rotated-secret-key" });
    const before = calls();
    assert.deepEqual((await sync()).values, expected());
    assert.deepEqual(calls(), { batch: before.batch + 1, single: before.single });
  });

  for (const [what, fault, times] of [
    ["throttling", { status: 400, code: "ThrottlingException", message: "Rate exceeded" }, 2],
    ["a 5xx answer", { status: 500, code: "InternalServiceError", message: "oops" }, 2],
    ["a timeout", { delayMs: 2_500 }, 2],
  ] as const) {
    test(`${what} falls back to single reads once and keeps batching on`, async () => {
      aws.fault("BatchGetSecretValue", fault, times);
      const first = await sync();
      assert.deepEqual(first.values, expected());
      assert.equal(first.batchable, true);
      assert.deepEqual(calls(), { batch: 2, single: COUNT }, "the SDK's two attempts, then single reads");
      aws.requests.length = 0;
      assert.deepEqual((await sync()).values, expected());
      assert.deepEqual(calls(), { batch: 1, single: 0 }, "the next sync batches again");
    });
  }

  test("which batch errors count as a refusal, and for how long", () => {
    const err = (name: string, message = "", status = 400) =>
      Object.assign(new Error(message), {
        name,
        $metadata: { httpStatusCode: status },
      });
    assert.equal(isBatchRefused(err("AccessDeniedException")), true);
    assert.equal(isBatchRefused(err("UnknownOperationException")), true);
    assert.equal(isBatchRefused(err("Error", "User x is not authorized to perform: secretsmanager:BatchGet")), true);
    assert.equal(isBatchRefused(err("NotImplemented", "", 501)), true);
    for (const transient of ["ThrottlingException", "InternalServiceError", "TimeoutError", "ECONNRESET"]) {
      assert.equal(isBatchRefused(err(transient, "", 500)), false, transient);
    }
    const client = {};
    markBatchUnavailable(client, 1_000);
    assert.equal(batchAvailable(client, 1_000 + BATCH_UNAVAILABLE_MS - 1), false);
    assert.equal(batchAvailable(client, 1_000 + BATCH_UNAVAILABLE_MS), true);
    assert.equal(batchAvailable({}, 1_000), true, "another client is unaffected");
  });
});
