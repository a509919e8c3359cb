/**
 * The typed client against the in-process API server: what a missing object, a lost race and a duplicate
 * create look like to callers, server-side apply, watches, and the response size cap.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import {
  ApiError,
  CONFIGMAPS,
  isAlreadyExists,
  isConflict,
  isNotFound,
  KubeClient,
  type KubeObject,
  type WatchEvent,
} from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";

type ConfigMap = KubeObject & { data?: Record<string, string> };

const cm = (name: string, data: Record<string, string> = {}): ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  data,
});

describe("KubeClient", () => {
  let api: ApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startApiServer();
    client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
  });
  after(async () => {
    client.close();
    await api.stop();
  });

  it("reads a missing object as undefined and tells a duplicate create from a stale update", async () => {
    assert.equal(await client.get(CONFIGMAPS, "default", "absent"), undefined);
    assert.equal(await client.delete(CONFIGMAPS, "default", "absent"), false);

    const created = await client.create(CONFIGMAPS, cm("races", { v: "1" }));
    const dup = await client.create(CONFIGMAPS, cm("races")).catch((e: unknown) => e);
    assert.ok(isAlreadyExists(dup) && !isConflict(dup), String(dup));

    await client.update(CONFIGMAPS, { ...created, data: { v: "2" } });
    const stale = await client.update(CONFIGMAPS, { ...created, data: { v: "3" } }).catch((e: unknown) => e);
    assert.ok(isConflict(stale) && !isAlreadyExists(stale), String(stale));
    assert.equal((await client.get<ConfigMap>(CONFIGMAPS, "default", "races"))?.data?.v, "2");
    assert.equal(await client.delete(CONFIGMAPS, "default", "races"), true);
  });

  it("names the verb and path and the server's message in errors", async () => {
    const err = await client.update(CONFIGMAPS, cm("nowhere")).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && isNotFound(err));
    assert.match(err.message, /^PUT \/api\/v1\/namespaces\/default\/configmaps\/nowhere: .*not found/);
  });

  it("applies server-side: creates, then changes only what the manager sets", async () => {
    await client.apply(CONFIGMAPS, cm("applied", { a: "1" }), { fieldManager: "eso-test" });
    await client.patch(CONFIGMAPS, "default", "applied", { data: { other: "kept" } });
    const out = await client.apply<ConfigMap>(CONFIGMAPS, cm("applied", { a: "2" }), { fieldManager: "eso-test" });
    assert.deepEqual(out.data, { a: "2", other: "kept" });
    assert.ok(JSON.stringify(out.metadata.managedFields).includes("eso-test"));
  });

  it("watches from a resourceVersion until aborted", async () => {
    const start = await client.listPage(CONFIGMAPS, { namespace: "default" });
    const seen: string[] = [];
    const abort = new AbortController();
    const watching = client.watch(
      CONFIGMAPS,
      { namespace: "default", resourceVersion: start.metadata?.resourceVersion, signal: abort.signal },
      (ev: WatchEvent) => {
        if (ev.type !== "ERROR" && ev.type !== "BOOKMARK") seen.push(`${ev.type} ${ev.object.metadata?.name}`);
      },
    );
    await client.create(CONFIGMAPS, cm("watched"));
    await client.patch(CONFIGMAPS, "default", "watched", { data: { k: "v" } });
    await client.delete(CONFIGMAPS, "default", "watched");
    await eventually(() => seen.length >= 3, { timeoutMs: 5_000, what: () => `three watch events, got ${seen}` });
    abort.abort();
    await watching;
    assert.deepEqual(seen, ["ADDED watched", "MODIFIED watched", "DELETED watched"]);
  });

  it("fails a response over the size cap without quoting it", async () => {
    const value = `VALUE-${"x".repeat(4096)}`;
    await client.create(CONFIGMAPS, cm("big", { value }));
    const capped = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0, maxResponseBytes: 1024 });
    try {
      const err = await capped.get(CONFIGMAPS, "default", "big").catch((e: unknown) => e);
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 0);
      assert.match(err.message, /^GET \/api\/v1\/namespaces\/default\/configmaps\/big: .*1024 bytes size cap/);
      assert.doesNotMatch(err.message, /VALUE-/);
      // Small answers still go through.
      assert.equal(await capped.get(CONFIGMAPS, "default", "absent"), undefined);
    } finally {
      capped.close();
    }
  });

  it("mints ServiceAccount tokens with the TokenRequest API", async () => {
    await client.create(
      { group: "", version: "v1", plural: "serviceaccounts", namespaced: true },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot", namespace: "default" } },
    );
    const token = await client.createToken("default", "robot", { audiences: ["vault"], expirationSeconds: 600 });
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    assert.deepEqual(claims.aud, ["vault"]);
    await assert.rejects(client.createToken("default", "nobody", { audiences: [] }), isNotFound);
  });
});
