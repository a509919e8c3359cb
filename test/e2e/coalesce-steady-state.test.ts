/**
 * Cheap steady state: once synced, a refresh cycle where nothing changed reads from the informer caches and the
 * coalesced provider layer, so its only API calls are one status write per ExternalSecret.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  startHarness,
} from "../support/world.js";

let h: Harness;
const NS = "steady";
const COUNT = 20;

/** Lists (never GETs, so the controller's GETs can be counted) the ExternalSecrets' refresh times. */
async function refreshTimes(): Promise<Map<string, string>> {
  const items = await h.client.list(EXTERNAL_SECRETS, NS);
  return new Map(items.map((es: any) => [es.metadata.name, es.status?.refreshTime ?? ""]));
}

before(async () => {
  h = await startHarness({ concurrency: 4 });
  await createNamespace(h, NS);
  await h.client.create(SECRET_STORES, fakeStore("fake", NS, [{ key: "db", value: '{"user":"app","pass":"pw"}' }]));
  await eventually(async () => (await readyCondition(h, SECRET_STORES, NS, "fake"))?.status === "True");
});

after(async () => {
  await h.stop();
});

describe("steady state", () => {
  it("a no-change refresh cycle: no Secret writes, one status write and no GETs per ExternalSecret", async () => {
    for (let i = 0; i < COUNT; i++) {
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(`es-${i}`, NS, {
          refreshInterval: "2s",
          secretStoreRef: { name: "fake", kind: "SecretStore" },
          target: { name: `es-${i}` },
          data: [
            { secretKey: "user", remoteRef: { key: "db", property: "user" } },
            { secretKey: "pass", remoteRef: { key: "db", property: "pass" } },
          ],
        }),
      );
    }
    await eventually(async () => [...(await refreshTimes()).values()].every((t) => t !== ""), {
      timeoutMs: 30_000,
      what: "all synced",
    });
    assert.deepEqual(decoded(await h.client.get(SECRETS, NS, "es-3")), { user: "app", pass: "pw" });

    const start = await refreshTimes();
    h.api.resetCounts();
    await eventually(
      async () => {
        const now = await refreshTimes();
        return [...start].every(([name, t]) => now.get(name) !== t);
      },
      { timeoutMs: 30_000, what: "every ExternalSecret refreshed again" },
    );
    const counts = h.api.requestCounts();
    const n = (k: string) => counts[k] ?? 0;
    assert.equal(n("create secrets") + n("update secrets") + n("patch secrets") + n("delete secrets"), 0);
    assert.ok(n("update externalsecrets/status") >= COUNT, "each refresh records its time");
    assert.ok(n("update externalsecrets/status") <= 2 * COUNT, `status writes: ${n("update externalsecrets/status")}`);
    assert.equal(n("get externalsecrets"), 0, "ExternalSecrets come from the informer cache");
    assert.equal(n("get secrets"), 0, "managed Secrets come from the informer cache");
  });

  it("a Secret edited out of band is seen through the cache and restored", async () => {
    const s = await h.client.get(SECRETS, NS, "es-0");
    s.data.user = Buffer.from("tampered").toString("base64");
    await h.client.update(SECRETS, s);
    await eventually(async () => decoded(await h.client.get(SECRETS, NS, "es-0")).user === "app", {
      timeoutMs: 15_000,
      what: "restored",
    });
  });
});
