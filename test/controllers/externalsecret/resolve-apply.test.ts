/** The resolve and apply steps of the ExternalSecret sync, without an API server. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SecretStore } from "../../../src/api/secretstore.js";
import { applySecret, type SecretWriter } from "../../../src/controllers/externalsecret/pipeline/apply.js";
import { SyncFailure } from "../../../src/controllers/externalsecret/pipeline/failure.js";
import { resolveStores, STORE_VALIDATION_GRACE_MS } from "../../../src/controllers/externalsecret/pipeline/resolve.js";
import type { SecretObject } from "../../../src/controllers/externalsecret/pipeline/secret-object.js";
import { es } from "./fixtures.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");

function store(opts: { controller?: string; created?: number; ready?: boolean } = {}): SecretStore {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: {
      name: "store",
      namespace: "ns",
      creationTimestamp: new Date(opts.created ?? NOW - 3600_000).toISOString(),
    },
    spec: { provider: { fake: { data: [] } }, ...(opts.controller ? { controller: opts.controller } : {}) },
    ...(opts.ready === undefined
      ? {}
      : { status: { conditions: [{ type: "Ready", status: opts.ready ? "True" : "False" }] } }),
  } as SecretStore;
}

describe("resolve: the referenced stores, read once", () => {
  it("reads each store once and answers later lookups from what it read", async () => {
    let reads = 0;
    const lookup = async () => {
      reads++;
      return store({ ready: true });
    };
    const r = await resolveStores(es(), { lookup, floodGate: true, nowMs: NOW });
    assert.equal(r.kind, "ready");
    if (r.kind !== "ready") return;
    assert.equal((await r.lookup("SecretStore", "store"))?.metadata?.name, "store");
    assert.equal(reads, 1, "the store was read once");
  });

  it("leaves an ExternalSecret of another controller class alone", async () => {
    const r = await resolveStores(es(), {
      lookup: async () => store({ controller: "other", ready: true }),
      controllerClass: "mine",
      floodGate: true,
      nowMs: NOW,
    });
    assert.equal(r.kind, "unmanaged");
  });

  it("waits for a store created moments ago to be validated, only with flood protection and only during the grace", async () => {
    const fresh = store({ created: NOW - 1_000 });
    const lookup = async () => fresh;
    assert.equal((await resolveStores(es(), { lookup, floodGate: true, nowMs: NOW })).kind, "validating");
    assert.equal((await resolveStores(es(), { lookup, floodGate: false, nowMs: NOW })).kind, "ready");
    const later = NOW + STORE_VALIDATION_GRACE_MS;
    assert.equal((await resolveStores(es(), { lookup, floodGate: true, nowMs: later })).kind, "ready");
  });
});

function writer(existsOnServer?: SecretObject) {
  const calls: string[] = [];
  const w: SecretWriter = {
    create: async (s) => {
      calls.push(`create ${s.metadata.name}`);
      if (existsOnServer) throw Object.assign(new Error("exists"), { exists: true });
    },
    update: async (s) => {
      calls.push(`update ${s.metadata.name}`);
    },
    read: async () => {
      calls.push("read");
      return existsOnServer;
    },
    isAlreadyExists: (err) => (err as { exists?: boolean }).exists === true,
  };
  return { w, calls };
}

const secret = (data: Record<string, string>, extra: Partial<SecretObject> = {}): SecretObject => ({
  metadata: { name: "s", namespace: "ns", uid: "u" },
  data,
  ...extra,
});

describe("apply: write only what differs", () => {
  it("creates a missing target, leaves an equal one alone, updates a different one", async () => {
    const want = secret({ k: "dg==" });
    const missing = writer();
    assert.equal(await applySecret(missing.w, { existing: undefined, unverified: false }, () => want), "created");
    const same = writer();
    assert.equal(await applySecret(same.w, { existing: want, unverified: false }, () => want), "unchanged");
    assert.deepEqual(same.calls, []);
    const other = writer();
    const live = secret({ k: "eA==" });
    assert.equal(await applySecret(other.w, { existing: live, unverified: false }, () => want), "updated");
    assert.deepEqual(other.calls, ["update s"]);
  });

  it("a create that finds the target exists (unknown to the cache) reads it and decides again", async () => {
    const onServer = secret({ k: "dg==" });
    const { w, calls } = writer(onServer);
    const result = await applySecret(w, { existing: undefined, unverified: true }, () => secret({ k: "dg==" }));
    assert.equal(result, "unchanged");
    assert.deepEqual(calls, ["create s", "read"]);
  });

  it("refuses to change the data of an immutable target, without writing", async () => {
    const { w, calls } = writer();
    const live = secret({ k: "eA==" }, { immutable: true });
    await assert.rejects(
      applySecret(w, { existing: live, unverified: false }, () => secret({ k: "dg==" }, { immutable: true })),
      (err: Error) => err instanceof SyncFailure && !err.retry && /immutable/.test(err.message),
    );
    assert.deepEqual(calls, []);
  });
});
