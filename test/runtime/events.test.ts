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
});
