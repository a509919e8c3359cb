/**
 * The AWS provider through the running controllers (in-process API server, loopback AWS): concurrent reads of
 * one store are served by BatchGetSecretValue even though every provider client is wrapped for metrics, each
 * ExternalSecret still gets its own values, and the store's credentials Secret is not read once per sync.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FakeAws } from "../fakes/aws-server.js";
import { eventually } from "../support/poll.js";
import { decoded, EXTERNAL_SECRETS, externalSecret, type Harness, readyCondition, SECRETS } from "../support/world.js";
import { type AwsController, startAwsController } from "./aws-controller-setup.js";

const NS = "aws-batch";
const KEY = ["AKIABATCHBATCHBATCH1", "batch-secret-key"] as const;
const COUNT = 40;

let h: Harness;
let aws: FakeAws;
let running: AwsController;

before(async () => {
  running = await startAwsController(NS, KEY, (aws) => {
    for (let i = 0; i < COUNT; i++) aws.putSecretString(`batch/${i}`, `value-${i}`);
  });
  ({ h, aws } = running);
});

after(() => running.stop());

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
      { timeoutMs: 60_000, what: `${COUNT} ExternalSecrets Ready` },
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
