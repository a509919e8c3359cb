import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { FakeClock } from "../../src/runtime/clock.js";
import { Controller, parseRequestKey, type Request, requestKey } from "../../src/runtime/controller.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";
import { ItemExponentialFailureRateLimiter } from "../../src/runtime/ratelimit.js";

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe("controller", () => {
  it("keys round-trip for namespaced and cluster-scoped requests", () => {
    assert.deepEqual(parseRequestKey(requestKey({ namespace: "ns", name: "a" })), { namespace: "ns", name: "a" });
    assert.deepEqual(parseRequestKey(requestKey({ namespace: "", name: "c" })), { namespace: "", name: "c" });
  });

  it("a throw requeues with exponential backoff, success forgets, nothing escapes", async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    let failures = 3;
    const metrics = new RuntimeMetrics();
    const c = new Controller({
      name: "t",
      clock,
      metrics,
      rateLimiter: () => new ItemExponentialFailureRateLimiter(5, 1000),
      reconcile: async () => {
        calls.push(clock.now());
        if (failures-- > 0) {
          if (failures === 1) throw "not an Error";
          throw new Error("boom");
        }
      },
    });
    c.start();
    const t0 = clock.now();
    c.enqueue({ namespace: "ns", name: "a" });
    await settle();
    for (let i = 0; i < 40; i++) {
      clock.advance(1);
      await settle();
    }
    assert.deepEqual(
      calls.map((t) => t - t0),
      [0, 5, 15, 35],
    );
    assert.equal(c.queue.numRequeues("ns/a"), 0);
    const text = await metrics.text();
    assert.match(text, /controller_runtime_reconcile_errors_total\{controller="t"\} 3/);
    assert.match(text, /controller_runtime_reconcile_total\{controller="t",result="success"\} 1/);
    assert.match(text, /workqueue_retries_total\{name="t",controller="t"\} 3/);
    await c.stop(1000);
  });

  it("listeners a reconcile leaves on its signal do not pile up on the workers' shared signal", async () => {
    const seen: AbortSignal[] = [];
    const c = new Controller({
      name: "l",
      concurrency: 2,
      reconcile: async (_req, ctx) => {
        // As careless SDK code might: a listener that is never removed.
        ctx.signal.addEventListener("abort", () => {});
        seen.push(ctx.signal);
      },
    });
    c.start();
    for (let i = 0; i < 60; i++) c.enqueue({ namespace: "ns", name: `o${i}` });
    for (let i = 0; i < 50 && seen.length < 60; i++) await settle();
    assert.equal(seen.length, 60);
    assert.equal(new Set(seen).size, 60, "one signal per reconcile");
    const shared = (c as unknown as { abort: AbortController }).abort.signal;
    assert.equal(getEventListeners(shared, "abort").length, 0, "nothing left on the shared signal");
    await c.stop(1000);
  });

  it("requeueAfter schedules the next run on the clock", async () => {
    const clock = new FakeClock();
    let n = 0;
    const c = new Controller({
      name: "r",
      clock,
      reconcile: async () => {
        n++;
        return { requeueAfter: 1000 };
      },
    });
    c.start();
    c.enqueue({ namespace: "", name: "x" });
    await settle();
    assert.equal(n, 1);
    clock.advance(999);
    await settle();
    assert.equal(n, 1);
    clock.advance(1);
    await settle();
    assert.equal(n, 2);
    await c.stop();
  });

  it("never runs one key on two workers; adds during a run coalesce into one more", async () => {
    let active = 0;
    let maxActive = 0;
    const runs: string[] = [];
    const gates: (() => void)[] = [];
    const c = new Controller({
      name: "p",
      concurrency: 4,
      clock: new FakeClock(),
      reconcile: async (req: Request) => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs.push(req.name);
        await new Promise<void>((r) => gates.push(r));
        active--;
      },
    });
    c.start();
    c.enqueue({ namespace: "n", name: "a" });
    await settle();
    for (let i = 0; i < 5; i++) c.enqueue({ namespace: "n", name: "a" });
    c.enqueue({ namespace: "n", name: "b" });
    await settle();
    assert.deepEqual(runs, ["a", "b"]);
    gates.shift()!();
    await settle();
    assert.deepEqual(runs, ["a", "b", "a"]);
    while (gates.length) {
      gates.shift()!();
      await settle();
    }
    assert.deepEqual(runs, ["a", "b", "a"]);
    assert.equal(maxActive, 2);
    await c.stop();
  });

  it("stop aborts in-flight reconciles, waits for them, and ignores later enqueues", async () => {
    let aborted = false;
    let finished = false;
    const c = new Controller({
      name: "s",
      reconcile: (_req, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            setTimeout(() => {
              finished = true;
              resolve();
            }, 20);
          });
        }),
    });
    c.start();
    c.enqueue({ namespace: "", name: "x" });
    await settle();
    assert.equal(await c.stop(5000), true);
    assert.equal(aborted, true);
    assert.equal(finished, true);
    c.enqueue({ namespace: "", name: "y" });
    assert.equal(c.queue.len(), 0);
  });

  it("stop gives up after its timeout when a reconcile hangs", async () => {
    const c = new Controller({ name: "h", reconcile: () => new Promise(() => {}) });
    c.start();
    c.enqueue({ namespace: "", name: "x" });
    await settle();
    assert.equal(await c.stop(30), false);
  });
});

describe("controller across stop and start (leadership changes)", () => {
  it("keys enqueued while stopped, and work unfinished at stop, run on the next start", async () => {
    const clock = new FakeClock();
    const runs: string[] = [];
    let hold: (() => void) | undefined;
    const c = new Controller({
      name: "l",
      clock,
      reconcile: async (req, { signal }) => {
        runs.push(req.name);
        if (req.name === "busy" && runs.filter((n) => n === "busy").length === 1) {
          await new Promise<void>((resolve) => {
            hold = resolve;
            signal.addEventListener("abort", () => resolve());
          });
        }
      },
    });
    c.enqueue({ namespace: "ns", name: "early" });
    c.start();
    await settle();
    assert.deepEqual(runs, ["early"], "an add before the first start is not lost");
    c.enqueue({ namespace: "ns", name: "busy" });
    await settle();
    c.enqueue({ namespace: "ns", name: "queued" });
    c.enqueueAfter({ namespace: "ns", name: "later" }, 60_000);
    assert.equal(await c.stop(1000), true);
    c.enqueue({ namespace: "ns", name: "while-stopped" });
    c.enqueue({ namespace: "ns", name: "while-stopped" });
    assert.deepEqual(runs, ["early", "busy"]);
    c.start();
    for (let i = 0; i < 4; i++) await settle();
    assert.deepEqual(runs.slice(2).sort(), ["busy", "later", "queued", "while-stopped"]);
    assert.equal(hold !== undefined, true);
    await c.stop();
  });
});
