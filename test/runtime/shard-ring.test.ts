import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ownerOf, viewOf } from "../../src/runtime/shard-ring.js";

const keys = Array.from({ length: 20_000 }, (_, i) => `ns-${i % 37}/es-${i}`);

describe("shard ring", () => {
  it("gives every key exactly one owner, the same one on every replica whatever order it lists the members in", () => {
    const a = viewOf(["r-1", "r-2", "r-3"]);
    const b = viewOf(["r-3", "r-1", "r-2", "r-1"]);
    assert.equal(a.id, b.id);
    for (const k of keys) {
      const owner = ownerOf(k, a);
      assert.ok(owner && a.members.includes(owner));
      assert.equal(ownerOf(k, b), owner);
    }
    assert.equal(ownerOf("x/y", viewOf([])), undefined);
  });

  it("splits keys evenly: each of 4 members gets within 10% of a quarter", () => {
    const view = viewOf(["pod-a_1", "pod-b_2", "pod-c_3", "pod-d_4"]);
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(ownerOf(k, view)!, (counts.get(ownerOf(k, view)!) ?? 0) + 1);
    assert.equal(counts.size, 4);
    for (const n of counts.values()) assert.ok(Math.abs(n - keys.length / 4) < keys.length / 40, `share ${n}`);
  });

  it("moves only the keys a joining member takes, and only a leaving member's keys", () => {
    const three = viewOf(["a", "b", "c"]);
    const four = viewOf(["a", "b", "c", "d"]);
    let moved = 0;
    for (const k of keys) {
      const before = ownerOf(k, three);
      const after = ownerOf(k, four);
      if (before !== after) {
        moved++;
        assert.equal(after, "d", "a key moved between two members that both stayed");
      }
    }
    assert.ok(moved > keys.length * 0.2 && moved < keys.length * 0.3, `moved ${moved}`);
    const two = viewOf(["a", "c"]);
    for (const k of keys) if (ownerOf(k, three) !== "b") assert.equal(ownerOf(k, two), ownerOf(k, three));
  });

  it("gives different member lists different view ids", () => {
    const ids = new Set([viewOf(["a"]).id, viewOf(["a", "b"]).id, viewOf(["b"]).id, viewOf(["ab"]).id, viewOf([]).id]);
    assert.equal(ids.size, 5);
  });
});
