/**
 * The informer's list/watch retry backoff: failures in a row back off 200 ms, 400 ms, 800 ms..., but a watch that
 * worked for a while (2 minutes, as client-go) before it broke starts over at the first step.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, type KubeClient } from "../../src/kube/index.js";
import { FakeClock } from "../../src/runtime/clock.js";
import { BACKOFF_RESET_MS, Informer } from "../../src/runtime/informer.js";
import { createLogger } from "../../src/runtime/logger.js";

const flush = () => new Promise((r) => setImmediate(r));

describe("informer retry backoff", () => {
  it("grows while list/watch keeps failing and resets after a watch that worked for two minutes", async () => {
    const clock = new FakeClock();
    const retries: number[] = [];
    const log = createLogger({
      level: "warn",
      destination: { write: (line: string) => void retries.push(JSON.parse(line).retryInMs) },
    });
    // Three watches fail at once, the fourth works for 3 minutes before it breaks, the fifth fails at once.
    const plan = ["fail", "fail", "fail", "long", "fail"];
    let watches = 0;
    const client = {
      listAll: async () => ({ items: [], metadata: { resourceVersion: "1" } }),
      watch: () => {
        const step = plan[watches++] ?? "hang";
        if (step === "fail") return Promise.reject(new ApiError(500, "watch broke"));
        if (step === "long") {
          return new Promise((_, reject) => clock.setTimer(() => reject(new ApiError(500, "watch broke")), 180_000));
        }
        return new Promise(() => {});
      },
    } as unknown as KubeClient;
    const informer = new Informer(
      client,
      { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true },
      {
        clock,
        logger: log,
      },
    );
    informer.start();
    for (let i = 0; i < 400 && watches < plan.length + 1; i++) {
      await flush();
      clock.advance(1_000);
    }
    assert.ok(180_000 >= BACKOFF_RESET_MS);
    assert.deepEqual(retries, [200, 400, 800, 200, 400]);
    void informer.stop();
  });
});
