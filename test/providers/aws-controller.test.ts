/**
 * The AWS provider through the running controllers (in-process API server, loopback AWS): concurrent reads of
 * one store are served by BatchGetSecretValue even though every provider client is wrapped for metrics, and
 * each ExternalSecret still gets its own values.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { providerReads } from "../../src/providers/coalesce.js";
import {
  createAwsStore,
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  eventually,
  externalSecret,
  type Harness,
  readyCondition,
  SECRETS,
  startHarness,
} from "../e2e/harness.js";
import { FakeAws } from "../fakes/aws-server.js";

const NS = "aws-batch";
const KEY = ["AKIABATCHBATCHBATCH1", "batch-secret-key"] as const;
const COUNT = 40;

let h: Harness;
let aws: FakeAws;

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  aws.addAccessKey(KEY[0], KEY[1]);
  for (let i = 0; i < COUNT; i++) aws.putSecretString(`batch/${i}`, `value-${i}`);
  // A wider gathering window than the default 2 ms keeps the test independent of machine load.
  providerReads.configure({ batchWindowMs: 50 });
  h = await startHarness({ concurrency: 8 });
  await createNamespace(h, NS);
  await createAwsStore(h, NS, "aws", "aws-creds", KEY);
});

after(async () => {
  await h.stop();
  await aws.stop();
  providerReads.configure({ batchWindowMs: 2 });
  providerReads.clear();
});

describe("aws provider through the controller", () => {
  it("concurrent reads of distinct secrets use BatchGetSecretValue, each ExternalSecret gets its own value", async () => {
    aws.requests.length = 0;
    h.api.resetCounts();
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        h.client.create(
          EXTERNAL_SECRETS,
          externalSecret(`es-${i}`, NS, {
            refreshInterval: "1h",
            secretStoreRef: { name: "aws", kind: "SecretStore" },
            target: { name: `es-${i}` },
            data: [{ secretKey: "value", remoteRef: { key: `batch/${i}` } }],
          }),
        ),
      ),
    );
    await eventually(
      async () => {
        for (let i = 0; i < COUNT; i++) {
          if ((await readyCondition(h, EXTERNAL_SECRETS, NS, `es-${i}`))?.status !== "True") return false;
        }
        return true;
      },
      60_000,
      `${COUNT} ExternalSecrets Ready`,
    );
    // Reads of the store's credentials Secret are shared between syncs; new targets are created without a GET.
    const gets = h.api.requestCounts()["get secrets"] ?? 0;
    assert.ok(gets <= COUNT / 4, `${gets} Secret GETs for ${COUNT} first syncs`);
    assert.equal(h.api.requestCounts()["create secrets"], COUNT);
    for (let i = 0; i < COUNT; i++) {
      assert.deepEqual(decoded(await h.client.get(SECRETS, NS, `es-${i}`)), { value: `value-${i}` });
    }
    const batches = aws.count("BatchGetSecretValue");
    const singles = aws.count("GetSecretValue");
    assert.ok(batches >= 1, `BatchGetSecretValue calls: ${batches}`);
    assert.ok(batches + singles < COUNT, `${batches} batch + ${singles} single calls for ${COUNT} secrets`);

    const metrics = await h.registry.getSingleMetricAsString("externalsecret_provider_api_calls_count");
    assert.match(metrics, /call="GetSecretBatch"[^\n]*status="success"[^\n]* [1-9]/);
  });
});
