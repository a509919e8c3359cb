import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiEventRecorder } from "../../src/controllers/common/events.js";
import { EVENTS, type KubeClient } from "../../src/kube/index.js";
import { type Env, env } from "../support/world.js";

interface Ev {
  metadata: { name: string };
  involvedObject: { name: string; uid?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string };
}

describe("event recorder", () => {
  let e: Env;
  let client: KubeClient;
  before(async () => {
    e = await env();
    client = e.client;
  });
  after(() => e.close());

  const es = (name: string) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, namespace: "default", uid: `uid-${name}` },
  });
  const eventsFor = async (name: string) =>
    (await client.list<Ev>(EVENTS, "default")).filter((ev) => ev.involvedObject.name === name);

  it("aggregates repeats of one event into its count and lastTimestamp", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const rec = new ApiEventRecorder(client, "external-secrets", (err) => assert.fail(String(err)), {
      now: () => now,
    });
    for (let i = 0; i < 5; i++) {
      rec.event(es("a"), "Warning", "UpdateFailed", "could not get secret data from provider");
      now += 60_000;
    }
    rec.event(es("a"), "Normal", "Updated", "secret updated");
    await rec.flush();
    const events = await eventsFor("a");
    assert.equal(events.length, 2);
    const warn = events.find((ev) => ev.reason === "UpdateFailed")!;
    assert.equal(warn.count, 5);
    assert.equal(warn.type, "Warning");
    assert.equal(warn.firstTimestamp, "2026-01-01T00:00:00Z");
    assert.equal(warn.lastTimestamp, "2026-01-01T00:04:00Z");
    assert.equal(warn.source.component, "external-secrets");
    assert.equal(warn.involvedObject.uid, "uid-a");
    assert.equal(events.find((ev) => ev.reason === "Updated")!.count, 1);
  });

  it("recreates a deleted event with the aggregated count", async () => {
    const rec = new ApiEventRecorder(client, "external-secrets");
    rec.event(es("b"), "Normal", "Updated", "secret updated");
    await rec.flush();
    const [first] = await eventsFor("b");
    await client.delete(EVENTS, "default", first!.metadata.name);
    rec.event(es("b"), "Normal", "Updated", "secret updated");
    await rec.flush();
    const events = await eventsFor("b");
    assert.equal(events.length, 1);
    assert.equal(events[0]!.count, 2);
  });

  it("folds many different messages for one object and reason into one combined event", async () => {
    const rec = new ApiEventRecorder(client, "external-secrets");
    for (let i = 0; i < 25; i++) rec.event(es("c"), "Warning", "UpdateFailed", `provider error #${i}`);
    await rec.flush();
    const events = await eventsFor("c");
    assert.equal(events.length, 11);
    const combined = events.filter((ev) => ev.message.startsWith("(combined from similar events): "));
    assert.equal(combined.length, 1);
    assert.equal(combined[0]!.count, 15);
    assert.match(combined[0]!.message, /provider error #24$/);
  });

  it("lets one object emit 25 events at once, then one per 5 minutes, carrying the count of those held back", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const rec = new ApiEventRecorder(client, "external-secrets", (err) => assert.fail(String(err)), {
      now: () => now,
    });
    for (let i = 0; i < 40; i++) rec.event(es("d"), "Warning", "UpdateFailed", "could not get secret data");
    rec.event(es("e"), "Warning", "UpdateFailed", "could not get secret data");
    await rec.flush();
    assert.deepEqual(rec.stats(), { written: 26, filtered: 15, dropped: 0 });
    assert.equal((await eventsFor("d"))[0]!.count, 25, "the writes that went out");
    assert.equal((await eventsFor("e"))[0]!.count, 1, "another object has its own allowance");
    now += 60_000;
    rec.event(es("d"), "Warning", "UpdateFailed", "could not get secret data");
    now += 240_000;
    rec.event(es("d"), "Warning", "UpdateFailed", "could not get secret data");
    await rec.flush();
    const [d] = await eventsFor("d");
    assert.equal(d!.count, 42, "one write after 5 minutes, with every event counted");
    assert.equal(d!.lastTimestamp, "2026-01-01T00:05:00Z");
  });

  it("drops events beyond the pending-write cap instead of queueing them without bound", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const created: string[] = [];
    const stalled = {
      create: async (_r: unknown, obj: { involvedObject: { name: string } }) => {
        await gate;
        created.push(obj.involvedObject.name);
        return obj;
      },
      patch: async () => ({}),
    } as unknown as KubeClient;
    const rec = new ApiEventRecorder(stalled, "external-secrets", (err) => assert.fail(String(err)), {
      maxPending: 3,
    });
    for (let i = 0; i < 10; i++) rec.event(es(`p${i}`), "Normal", "Created", "secret created");
    assert.deepEqual(rec.stats(), { written: 0, filtered: 0, dropped: 7 });
    release();
    await rec.flush();
    assert.deepEqual(created.sort(), ["p0", "p1", "p2"]);
    rec.event(es("p9"), "Normal", "Created", "secret created");
    await rec.flush();
    assert.equal(rec.stats().written, 4, "room again once the writes went out");
  });
});
