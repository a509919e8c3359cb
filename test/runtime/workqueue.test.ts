import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../src/runtime/clock.js";
import {
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  TokenBucket,
} from "../../src/runtime/ratelimit.js";
import { WorkQueue } from "../../src/runtime/workqueue.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("rate limiters", () => {
  it("per-item exponential backoff starts at 5 ms, doubles, caps and is forgotten", () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 100);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map(() => rl.when("a")),
      [5, 10, 20, 40, 80, 100, 100],
    );
    assert.equal(rl.when("b"), 5);
    assert.equal(rl.numRequeues("a"), 7);
    rl.forget("a");
    assert.equal(rl.numRequeues("a"), 0);
    assert.equal(rl.when("a"), 5);
    const big = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    for (let i = 0; i < 2000; i++) big.when("x");
    assert.equal(big.when("x"), 1_000_000);
  });

  it("token bucket allows a burst then spaces tokens at 1/qps", () => {
    const clock = new FakeClock();
    const b = new TokenBucket(10, 3, clock);
    assert.deepEqual([b.reserve(), b.reserve(), b.reserve()], [0, 0, 0]);
    assert.equal(b.reserve(), 100);
    assert.equal(b.reserve(), 200);
    clock.advance(1000);
    assert.equal(b.tryTake(), true);
    assert.equal(new TokenBucket(0, 0, clock).reserve(), 0);
  });

  it("the default controller limiter is the max of backoff and the overall bucket", () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter({ clock, qps: 10, burst: 2 });
    assert.equal(rl.when("a"), 5);
    assert.equal(rl.when("b"), 5);
    assert.equal(rl.when("c"), 100);
  });
});

describe("work queue", () => {
  it("hands out each item once, in order, and dedups queued adds", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("a");
    q.add("b");
    q.add("a");
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), "b");
    assert.equal(q.len(), 0);
  });

  it("addFirst puts an item ahead of everything queued, once, both before and after items were taken", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    for (const k of ["a", "b", "c"]) q.add(k);
    q.addFirst("z");
    q.addFirst("b"); // already queued: keeps its place, not duplicated
    assert.equal(await q.get(), "z");
    assert.equal(await q.get(), "a");
    q.addFirst("y"); // after a take, the slot before the head is reused
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ["y", "b", "c"]);
    assert.equal(q.len(), 0);
  });

  it("coalesces adds during processing into exactly one more run, never concurrent", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add("k");
    const item = await q.get();
    assert.equal(item, "k");
    q.add("k");
    q.add("k");
    q.add("k");
    assert.equal(q.len(), 0, "not handed to a second worker while processing");
    let second: string | undefined;
    void q.get().then((v) => {
      second = v;
    });
    await tick();
    assert.equal(second, undefined);
    q.done("k");
    await tick();
    assert.equal(second, "k");
    q.done("k");
    assert.equal(q.len(), 0, "three adds ran once");
  });

  it("addAfter fires on the injected clock and keeps the earliest deadline", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter("x", 100);
    q.addAfter("x", 500);
    q.addAfter("y", 50);
    clock.advance(49);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    clock.advance(50);
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), "y");
    assert.equal(await q.get(), "x");
    clock.advance(10_000);
    assert.equal(q.len(), 0, "the later duplicate deadline was dropped");
  });

  it("addRateLimited backs off 5, 10, 20 ms and forget resets", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    const readyAfter = () => {
      let t = 0;
      while (q.len() === 0 && t < 10_000) {
        clock.advance(1);
        t++;
      }
      return t;
    };
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      q.addRateLimited("a");
      seen.push(readyAfter());
      q.done((await q.get())!);
    }
    assert.deepEqual(seen, [5, 10, 20]);
    assert.equal(q.numRequeues("a"), 3);
    q.forget("a");
    assert.equal(q.numRequeues("a"), 0);
  });

  it("shutdown releases waiting getters and drains in-process work", async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const waiting = q.get();
    q.shutDown();
    assert.equal(await waiting, undefined);
    const q2 = new WorkQueue({ clock: new FakeClock() });
    q2.add("a");
    const a = await q2.get();
    let drained = false;
    const p = q2.shutDownWithDrain().then(() => {
      drained = true;
    });
    q2.add("b");
    await tick();
    assert.equal(drained, false);
    q2.done(a!);
    await p;
    assert.equal(drained, true);
    assert.equal(q2.len(), 0);
  });
});
