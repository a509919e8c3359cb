import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LEASES } from "../../src/kube/index.js";
import { SHARD_GROUP_LABEL, ShardMembership, shardLeaseName } from "../../src/runtime/shard-membership.js";
import { ownerOf, viewOf } from "../../src/runtime/shard-ring.js";
import { eventually } from "../support/poll.js";
import { type Env, env } from "../support/world.js";

const keys = Array.from({ length: 1000 }, (_, i) => `ns-${i % 7}/es-${i}`);
const timing = { leaseDurationMs: 2000, renewDeadlineMs: 1200, retryPeriodMs: 150 };

describe("shard membership", () => {
  let e: Env;
  const members: ShardMembership[] = [];
  before(async () => {
    e = await env();
  });
  after(async () => {
    for (const m of members) await m.stop({ release: false });
    await e.close();
  });

  const join = (identity: string, group = "g") => {
    const m = new ShardMembership({ client: e.client, group, namespace: "default", identity, ...timing });
    members.push(m);
    m.start();
    return m;
  };

  /** Fails the test the moment any key is served by two members; counts keys served by none. */
  const watchOverlap = (ms: ShardMembership[]) => {
    let overlaps = 0;
    let samples = 0;
    const timer = setInterval(() => {
      samples++;
      for (const k of keys) if (ms.filter((m) => m.serves(k)).length > 1) overlaps++;
    }, 5);
    return {
      stop: () => {
        clearInterval(timer);
        return { overlaps, samples };
      },
    };
  };
  const uncovered = (ms: ShardMembership[]) => keys.filter((k) => !ms.some((m) => m.serves(k))).length;

  it("a lone replica serves every key; joiners take their share without any key served twice", async () => {
    const a = join("replica-a");
    await a.ready(5000);
    assert.equal(uncovered([a]), 0);
    const overlap = watchOverlap(members);
    const b = join("replica-b");
    const c = join("replica-c");
    const all = [a, b, c];
    await eventually(() => all.every((m) => m.view.members.length === 3) && uncovered(all) === 0, {
      timeoutMs: 10_000,
      what: "three members sharing every key",
    });
    const { overlaps, samples } = overlap.stop();
    assert.ok(samples > 3, `only ${samples} samples`);
    assert.equal(overlaps, 0, "a key was served by two replicas at once");
    for (const m of all) {
      const share = keys.filter((k) => m.serves(k)).length;
      assert.ok(share > 200 && share < 470, `${m.identity} serves ${share} of ${keys.length}`);
    }
    const leases = await e.client.list(LEASES, "default", `${SHARD_GROUP_LABEL}=g`);
    assert.equal(leases.length, 3);
  });

  it("a crashed replica's share is taken over once its lease expires, never before", async () => {
    const [a, b, c] = members as [ShardMembership, ShardMembership, ShardMembership];
    const overlap = watchOverlap([a, b, c]);
    const crashedAt = Date.now();
    await c.stop({ release: false }); // no lease deletion: the peers must notice it stopped renewing
    assert.ok(uncovered([a, b]) > 0);
    await eventually(() => uncovered([a, b]) === 0, { timeoutMs: 10_000, what: "a and b covering c's share" });
    const takeoverMs = Date.now() - crashedAt;
    assert.equal(overlap.stop().overlaps, 0);
    // Counted out leaseDuration after its last renewal as seen by the peers, then one release/adopt round.
    assert.ok(takeoverMs >= timing.leaseDurationMs - timing.retryPeriodMs, `taken over after ${takeoverMs} ms`);
    assert.ok(takeoverMs <= timing.leaseDurationMs + 6 * timing.retryPeriodMs, `taken over after ${takeoverMs} ms`);
  });

  it("a replica that stops cleanly deletes its lease and its share moves at once", async () => {
    const [a, b] = members as [ShardMembership, ShardMembership];
    const overlap = watchOverlap([a, b]);
    const stoppedAt = Date.now();
    await b.stop();
    await eventually(() => uncovered([a]) === 0, { timeoutMs: 5000, what: "a covering everything" });
    assert.ok(Date.now() - stoppedAt < timing.leaseDurationMs, "waited for expiry despite the deleted lease");
    assert.equal(overlap.stop().overlaps, 0);
    const names = (await e.client.list(LEASES, "default", `${SHARD_GROUP_LABEL}=g`)).map((l) => l.metadata.name);
    assert.ok(!names.includes(shardLeaseName("g", "replica-b")), "the stopped replica's lease is still there");
    assert.ok(names.includes(shardLeaseName("g", "replica-a")));
  });

  it("keeps a released key's new owner waiting while the old owner's reconcile still runs", async () => {
    const a = members[0]!;
    const late = ["late-0", "late-1", "late-2"];
    const future = viewOf([a.identity, ...late]);
    // A key `a` serves now and one of the joiners will own.
    const key = keys.find((k) => a.serves(k) && ownerOf(k, future) !== a.identity)!;
    const newOwnerId = ownerOf(key, future)!;
    let finish!: () => void;
    // A reconcile that ignores its abort signal: the release must wait for it, however long it takes.
    const inFlight = a.run(
      key,
      new AbortController().signal,
      () => new Promise<string>((r) => (finish = () => r("done"))),
    );
    const joiners = late.map((id) => join(id));
    await eventually(() => !a.serves(key), { timeoutMs: 10_000, what: "a narrowing to the new view" });
    await new Promise((r) => setTimeout(r, 8 * timing.retryPeriodMs));
    assert.equal(joiners.filter((j) => j.serves(key)).length, 0, "the new owner started while the old reconcile ran");
    assert.ok(
      joiners.every((j) => j.view.members.length !== 4),
      "a view was adopted before a released",
    );
    finish();
    assert.equal(await inFlight, "done");
    await eventually(() => joiners.find((j) => j.identity === newOwnerId)?.serves(key), {
      timeoutMs: 10_000,
      what: "the new owner serving the key",
    });
    assert.equal([a, ...joiners].filter((m) => m.serves(key)).length, 1);
  });

  it("placed by namespace, every key of a namespace is served by one replica", async () => {
    const group = ["ns-a", "ns-b", "ns-c"].map((id) => {
      const m = new ShardMembership({
        client: e.client,
        group: "by-ns",
        namespace: "default",
        identity: id,
        by: "namespace",
        ...timing,
      });
      members.push(m);
      m.start();
      return m;
    });
    await eventually(() => group.every((m) => m.view.members.length === 3) && uncovered(group) === 0, {
      timeoutMs: 10_000,
      what: "three members placing by namespace",
    });
    const servers = new Map<string, Set<string>>();
    for (const k of keys) {
      const ns = k.split("/")[0]!;
      for (const m of group.filter((x) => x.serves(k))) servers.set(ns, (servers.get(ns) ?? new Set()).add(m.identity));
    }
    assert.equal(servers.size, 7);
    for (const [ns, ids] of servers) assert.equal(ids.size, 1, `${ns} is served by ${[...ids].join(", ")}`);
    assert.ok(new Set([...servers.values()].map((ids) => [...ids][0])).size > 1, "namespaces spread over replicas");
    assert.equal(group.filter((m) => m.serves("cluster-wide")).length, 1, "a cluster-scoped key is placed by its name");
    for (const m of group) await m.stop();
  });

  it("groups do not mix", async () => {
    const other = join("solo", "other-group");
    await other.ready(5000);
    assert.deepEqual(other.view.members, ["solo"]);
  });
});
