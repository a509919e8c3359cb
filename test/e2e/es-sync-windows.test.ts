/**
 * spec.syncWindows end to end through the in-process API server and the running controllers: periodic refreshes
 * run inside an allow window and are held outside it (the status names the next refresh), a deny window holds
 * them, and neither holds a first sync, a spec change or a drift repair. The schema refuses malformed windows.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  SECRET_STORES,
  SECRETS,
  secretData,
  useHarness,
} from "../support/world.js";

const NS = "windows";
const KEYS = ["open", "closed", "denied"];

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore(
      "fake",
      NS,
      KEYS.map((key) => ({ key, value: "v1" })),
    ),
  );
});

async function setRemote(key: string, value: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const store = await h.client.get(SECRET_STORES, NS, "fake");
    const entry = store.spec.provider.fake.data.find((d: { key: string }) => d.key === key);
    entry.value = value;
    try {
      await h.client.update(SECRET_STORES, store);
      return;
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

async function annotate(name: string, annotations: Record<string, string>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const es = await h.client.get(EXTERNAL_SECRETS, NS, name);
    es.metadata.annotations = { ...(es.metadata.annotations ?? {}), ...annotations };
    try {
      await h.client.update(EXTERNAL_SECRETS, es);
      return;
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const value = async (name: string) => (await secretData(h, NS, name)).v;

function spec(key: string, syncWindows: unknown) {
  return {
    refreshInterval: "1s",
    secretStoreRef: { name: "fake" },
    syncWindows,
    data: [{ secretKey: "v", remoteRef: { key } }],
  };
}

async function readyMessage(name: string): Promise<string> {
  const es = await h.client.get(EXTERNAL_SECRETS, NS, name);
  return es?.status?.conditions?.find((c: { type: string }) => c.type === "Ready")?.message ?? "";
}

/** Always open: fires every minute and stays open an hour. */
const ALWAYS = [{ schedule: "* * * * *", duration: "1h" }];

describe("syncWindows", () => {
  it("allow: refreshes inside the window; outside it the refresh is held and the status says until when", async () => {
    // A one-minute window opening six hours from now (UTC), so now is outside it.
    const opens = new Date(Date.now() + 6 * 3600_000);
    opens.setUTCSeconds(0, 0);
    const later = [{ schedule: `${opens.getUTCMinutes()} ${opens.getUTCHours()} * * *`, duration: "1m" }];
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("open", NS, spec("open", { kind: "allow", windows: ALWAYS })),
    );
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("closed", NS, spec("closed", { kind: "allow", windows: later })),
    );
    for (const n of ["open", "closed"]) {
      await eventually(async () => (await value(n)) === "v1", { timeoutMs: 15_000, what: `${n}: first sync` });
    }
    await setRemote("open", "v2");
    await setRemote("closed", "v2");
    await eventually(async () => (await value("open")) === "v2", { timeoutMs: 15_000, what: "refreshed in window" });
    const expected = `${opens.toISOString().slice(0, 19)}Z`;
    await eventually(async () => (await readyMessage("closed")).includes(`next refresh at ${expected}`), {
      timeoutMs: 15_000,
      what: "held status",
    });
    await sleep(2500);
    assert.equal(await value("closed"), "v1", "no refresh outside the allow window");
    const es = await h.client.get(EXTERNAL_SECRETS, NS, "closed");
    assert.equal(es.status.conditions.find((c: { type: string }) => c.type === "Ready").status, "True");

    // A change to the ExternalSecret is not a periodic refresh: it syncs at once.
    await annotate("closed", { "force-sync": "1" });
    await eventually(async () => (await value("closed")) === "v2", { timeoutMs: 15_000, what: "spec change syncs" });
  });

  it("deny: holds periodic refreshes while the window is open, but still repairs a deleted Secret", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("denied", NS, spec("denied", { kind: "deny", windows: ALWAYS })),
    );
    await eventually(async () => (await value("denied")) === "v1", { timeoutMs: 15_000, what: "first sync" });
    await setRemote("denied", "v2");
    await eventually(async () => (await readyMessage("denied")).includes("held by syncWindows"), {
      timeoutMs: 15_000,
      what: "held status",
    });
    await sleep(2500);
    assert.equal(await value("denied"), "v1", "no refresh inside the deny window");

    await h.client.delete(SECRETS, NS, "denied");
    await eventually(async () => (await value("denied")) === "v2", { timeoutMs: 15_000, what: "drift repaired" });
  });

  it("the schema refuses an unknown kind, an empty window list and a schedule that is not cron", async () => {
    for (const [name, syncWindows] of [
      ["bad-kind", { kind: "sometimes", windows: ALWAYS }],
      ["no-windows", { kind: "allow", windows: [] }],
      ["bad-schedule", { kind: "allow", windows: [{ schedule: "every night", duration: "1h" }] }],
    ] as const) {
      await assert.rejects(
        h.client.create(EXTERNAL_SECRETS, externalSecret(name, NS, spec("open", syncWindows))),
        /Unsupported value|should have at least 1|must have at least 1|should match|Invalid value/,
        name,
      );
    }
  });
});
