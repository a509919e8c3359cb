/**
 * Through the running controllers (in-process API server, loopback AWS): a store whose credentials may not
 * call BatchGetSecretValue pays for the refusal once; its later refreshes read with GetSecretValue only and
 * still deliver every new value.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FakeAws } from "../fakes/aws-server.js";
import { eventually } from "../support/poll.js";
import { decoded, EXTERNAL_SECRETS, externalSecret, type Harness, SECRETS } from "../support/world.js";
import { type AwsController, startAwsController } from "./aws-controller-setup.js";

const NS = "aws-nobatch";
const KEY = ["AKIANOBATCHNOBATCH01", "nobatch-secret-key"] as const;
const COUNT = 10;

let h: Harness;
let aws: FakeAws;
let running: AwsController;

before(async () => {
  running = await startAwsController(NS, KEY, (aws) => {
    aws.deny("BatchGetSecretValue");
    for (let i = 0; i < COUNT; i++) aws.putSecretString(`nobatch/${i}`, `old-${i}`);
  });
  ({ h, aws } = running);
});

after(() => running.stop());

/** True once every target Secret holds `${prefix}-${i}`. */
const allHold = (prefix: string) => async () => {
  for (let i = 0; i < COUNT; i++) {
    if (decoded(await h.client.get(SECRETS, NS, `es-${i}`)).value !== `${prefix}-${i}`) return false;
  }
  return true;
};

describe("aws provider through the controller: BatchGetSecretValue refused", () => {
  it("the refusal is paid once; refreshes read one by one and deliver new values", async () => {
    aws.requests.length = 0;
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        h.client.create(
          EXTERNAL_SECRETS,
          externalSecret(`es-${i}`, NS, {
            refreshInterval: "1s",
            secretStoreRef: { name: "aws", kind: "SecretStore" },
            target: { name: `es-${i}` },
            data: [{ secretKey: "value", remoteRef: { key: `nobatch/${i}` } }],
          }),
        ),
      ),
    );
    await eventually(allHold("old"), { timeoutMs: 60_000, what: `${COUNT} Secrets with the first values` });
    const refused = aws.count("BatchGetSecretValue");
    assert.ok(refused >= 1 && refused < COUNT, `refused batch calls before the client knew: ${refused}`);

    aws.requests.length = 0;
    for (let i = 0; i < COUNT; i++) aws.putSecretString(`nobatch/${i}`, `new-${i}`);
    await eventually(allHold("new"), { timeoutMs: 60_000, what: `${COUNT} Secrets refreshed to the new values` });
    assert.equal(aws.count("BatchGetSecretValue"), 0, "no batch call after the refusal");
    assert.ok(aws.count("GetSecretValue") >= COUNT, `single reads: ${aws.count("GetSecretValue")}`);
  });
});
