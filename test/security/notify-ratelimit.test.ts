/**
 * The event-driven refresh endpoint under a flood: a caller holding the notification token (or any caller, for
 * the 401 path) hammers it to make the operator re-read providers without end. Each caller is rate-limited
 * (429 with Retry-After past its burst) and notifications for one ExternalSecret inside the coalescing window
 * cause one refresh, counted as calls reaching the provider.
 */
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type NotifyServer, startNotifyServer } from "../../src/notify/server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  type Harness,
  secretData,
  startHarness,
  waitForSecretData,
} from "../support/world.js";

const TOKEN = "notify-flood-token";
const NS = "notify-flood";
const WINDOW_MS = 3_000;
const QPS = 5;
const BURST = 20;
const FLOOD_TARGETS = 10;

/** A webhook backend that counts reads per key and serves the current value of each. */
class CountingBackend {
  private server!: Server;
  url = "";
  readonly reads = new Map<string, number>();
  readonly values = new Map<string, string>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const key = new URL(req.url ?? "/", "http://x").searchParams.get("key") ?? "";
      this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ value: this.values.get(key) ?? `v1-${key}` }));
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  readsOf(key: string): number {
    return this.reads.get(key) ?? 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** POSTs one generic notification for `key` from `localAddress`; resolves with status and Retry-After. */
function notify(
  server: NotifyServer,
  key: string,
  localAddress = "127.0.0.1",
): Promise<{ status: number; retryAfter?: string }> {
  const body = JSON.stringify({ store: { kind: "SecretStore", namespace: NS, name: "hooks" }, key });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.url}/notify`,
      {
        method: "POST",
        localAddress,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === "string" ? retryAfter : undefined });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the notification endpoint under a flood", () => {
  let h: Harness;
  const backend = new CountingBackend();
  let limited: NotifyServer;
  let unlimited: NotifyServer;

  before(async () => {
    await backend.start();
    h = await startHarness({ notifyCoalesceWindowMs: WINDOW_MS });
    await createNamespace(h, NS);
    await createReadyStore(h, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "hooks", namespace: NS },
      spec: {
        provider: { webhook: { url: `${backend.url}/?key={{ .remoteRef.key }}`, result: { jsonPath: "$.value" } } },
      },
    });
    const keys = ["hot", ...Array.from({ length: FLOOD_TARGETS }, (_, i) => `flood-${i}`)];
    for (const key of keys) {
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(key, NS, {
          refreshInterval: "1h",
          secretStoreRef: { name: "hooks" },
          data: [{ secretKey: "value", remoteRef: { key } }],
        }),
      );
    }
    for (const key of keys) await waitForSecretData(h, NS, key);
    limited = await startNotifyServer({ target: h.controllers, token: TOKEN, rateLimit: { qps: QPS, burst: BURST } });
    // Per-object coalescing on its own, without the per-caller limit in the way.
    unlimited = await startNotifyServer({ target: h.controllers, token: TOKEN, rateLimit: { qps: 0 } });
  });

  after(async () => {
    await limited?.stop();
    await unlimited?.stop();
    await h?.stop();
    await backend.stop();
  });

  it("100 notifications for one ExternalSecret within the window cause one refresh, with the newest value", async () => {
    const before = backend.readsOf("hot");
    backend.values.set("hot", "v2-hot");
    const started = Date.now();
    const statuses = [];
    for (let i = 0; i < 100; i++) statuses.push((await notify(unlimited, "hot")).status);
    const sentIn = Date.now() - started;
    assert.ok(
      statuses.every((s) => s === 202),
      `every notification accepted: ${[...new Set(statuses)].join(",")}`,
    );
    assert.ok(sentIn < WINDOW_MS, `the 100 notifications took ${sentIn} ms, longer than the window`);
    await eventually(async () => (await secretData(h, NS, "hot")).value === "v2-hot", {
      timeoutMs: 15_000,
      what: "the new value synced",
    });
    await sleep(WINDOW_MS + 1_000); // a second refresh, if any, would come by now
    const refreshes = backend.readsOf("hot") - before;
    console.log(`# 100 notifications in ${sentIn} ms -> ${refreshes} provider read(s)`);
    assert.equal(refreshes, 1);
  });

  it("a flooding caller gets 429 with Retry-After past its burst and causes a bounded number of refreshes", async () => {
    await sleep((BURST / QPS) * 1_000); // the previous test's caller (same address) starts with a full bucket
    const readsBefore = Array.from({ length: FLOOD_TARGETS }, (_, i) => backend.readsOf(`flood-${i}`));
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 200; i++) results.push(await notify(limited, `flood-${i % FLOOD_TARGETS}`));
    const elapsedS = (Date.now() - started) / 1000;
    const accepted = results.filter((r) => r.status === 202).length;
    const throttled = results.filter((r) => r.status === 429);
    assert.ok(throttled.length > 0, "the flood is throttled");
    assert.ok(accepted <= BURST + Math.ceil(QPS * elapsedS) + 1, `accepted ${accepted} in ${elapsedS.toFixed(1)} s`);
    assert.ok(
      throttled.every((r) => Number(r.retryAfter) >= 1),
      "every 429 says when to retry",
    );
    // Another caller is not held back by the flooder.
    assert.equal((await notify(limited, "flood-0", "127.0.0.2")).status, 202);

    await sleep(WINDOW_MS + 2_000);
    const refreshes = Array.from({ length: FLOOD_TARGETS }, (_, i) => backend.readsOf(`flood-${i}`) - readsBefore[i]!);
    const total = refreshes.reduce((a, b) => a + b, 0);
    console.log(`# 200 notifications: ${accepted} accepted, ${throttled.length} got 429, ${total} provider reads`);
    // At most one refresh per ExternalSecret per window, and never more than the notifications let through.
    assert.ok(total <= accepted + 1, `refreshes ${total} vs accepted ${accepted + 1}`);
    const windows = Math.ceil((elapsedS * 1000 + 2_000) / WINDOW_MS) + 1;
    for (const [i, n] of refreshes.entries()) assert.ok(n <= windows, `flood-${i} refreshed ${n} times`);
  });
});
