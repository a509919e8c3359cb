/**
 * Refresh phases end to end: ExternalSecrets created at scattered times but reading the same remote secret through
 * one store come into step after their first refresh, so each later cycle costs one provider call, although they
 * were created further apart than the coalesced reads are kept (5 s by default).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { eventually } from "../support/poll.js";
import {
  createAwsStore,
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  readyCondition,
  secretWrites,
  startHarness,
} from "../support/world.js";

let h: Harness;
let aws: FakeAws;
const NS = "phase";
const KEY = ["AKIAPHASEPHASEPHASE0", "phase-secret"] as const;
const COUNT = 12;
const names = Array.from({ length: COUNT }, (_, i) => `es-${i}`);

const reads = () =>
  aws.requests.filter((r) => r.action === "GetSecretValue" || r.action === "BatchGetSecretValue").length;

async function refreshTimes(): Promise<Map<string, string>> {
  const items = await h.client.list(EXTERNAL_SECRETS, NS);
  return new Map(items.map((es: any) => [es.metadata.name, es.status?.refreshTime ?? ""]));
}

/** Waits until every ExternalSecret has refreshed since `before`; returns the new refresh times. */
async function nextCycle(previous: Map<string, string>): Promise<Map<string, string>> {
  let now = previous;
  await eventually(
    async () => {
      now = await refreshTimes();
      return names.every((n) => now.get(n) !== "" && now.get(n) !== previous.get(n));
    },
    { timeoutMs: 40_000, what: "every ExternalSecret refreshed" },
  );
  return now;
}

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  aws.addAccessKey(KEY[0], KEY[1]);
  aws.putSecretString("shared/db", "value");
  // The default provider read TTL (5 s) and the chart's default concurrency.
  h = await startHarness({ concurrency: 4 });
  await createNamespace(h, NS);
  await createAwsStore(h, NS, "aws", "aws-creds", KEY);
});

after(async () => {
  await h.stop();
  await aws.stop();
});

describe("refresh phases", () => {
  it("ExternalSecrets reading one secret through one store refresh together: one provider call per cycle", async () => {
    // Created over ~7 s: without a shared phase their refreshes would stay that far apart, beyond the 5 s TTL.
    for (const name of names) {
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name, NS, {
          refreshInterval: "10s",
          secretStoreRef: { name: "aws", kind: "SecretStore" },
          target: { name },
          data: [{ secretKey: "db", remoteRef: { key: "shared/db" } }],
        }),
      );
      await new Promise((r) => setTimeout(r, 600));
    }
    await eventually(
      async () => {
        for (const name of names) {
          if ((await readyCondition(h, EXTERNAL_SECRETS, NS, name))?.status !== "True") return false;
        }
        return true;
      },
      { timeoutMs: 30_000, what: "all Ready" },
    );
    // The first cycle brings them into step; the ones after it are measured.
    const aligned = await nextCycle(await refreshTimes());
    for (let cycle = 0; cycle < 2; cycle++) {
      aws.requests.length = 0;
      h.api.resetCounts();
      const times = await nextCycle(cycle === 0 ? aligned : await refreshTimes());
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(reads(), 1, `cycle ${cycle + 2}: one coalesced provider call for ${COUNT} ExternalSecrets`);
      const ms = [...times.values()].map((t) => Date.parse(t));
      assert.ok(Math.max(...ms) - Math.min(...ms) <= 2000, `refreshed together: ${[...new Set(times.values())]}`);
      assert.equal(secretWrites(h), 0, "nothing changed, so no Secret writes");
    }
  });
});
