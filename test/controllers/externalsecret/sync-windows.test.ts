import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toV1beta1Object, toV1Object } from "../../../src/api/conversion.js";
import type { ExternalSecret, SyncWindows } from "../../../src/api/externalsecret.js";
import { validateObject } from "../../../src/api/validation.js";
import { resourceVersionOf } from "../../../src/controllers/common/hash.js";
import { planSync } from "../../../src/controllers/externalsecret/pipeline/plan.js";
import {
  heldStatus,
  parseSchedule,
  syncWindowVerdict,
} from "../../../src/controllers/externalsecret/pipeline/sync-windows.js";

const at = (iso: string) => Date.parse(iso);
const HOUR = 3600_000;
/** Every day 22:00-00:00 UTC. */
const nightly = (kind: "allow" | "deny"): SyncWindows => ({
  kind,
  windows: [{ schedule: "0 22 * * *", duration: "2h" }],
});

describe("sync windows: cron schedules", () => {
  it("finds the next firing of 5-field expressions, names, steps, lists and shorthands (UTC)", () => {
    const from = at("2026-06-01T10:17:00Z"); // a Monday
    const next = (expr: string) => {
      const ms = parseSchedule(expr)?.next(from);
      return ms === undefined ? undefined : new Date(ms).toISOString();
    };
    assert.equal(next("0 22 * * *"), "2026-06-01T22:00:00.000Z");
    assert.equal(next("*/15 * * * *"), "2026-06-01T10:30:00.000Z");
    assert.equal(next("5,45 10 * * *"), "2026-06-01T10:45:00.000Z");
    assert.equal(next("0 9 * * SAT"), "2026-06-06T09:00:00.000Z");
    assert.equal(next("0 0 1 jan *"), "2027-01-01T00:00:00.000Z");
    assert.equal(next("@daily"), "2026-06-02T00:00:00.000Z");
    assert.equal(next("@hourly"), "2026-06-01T11:00:00.000Z");
    assert.equal(next("@weekly"), "2026-06-07T00:00:00.000Z");
    assert.equal(next("0 12 ? * 1-5"), "2026-06-01T12:00:00.000Z");
    // Both day fields restricted: either matches (the 15th, or any Sunday).
    assert.equal(next("0 0 15 * 0"), "2026-06-07T00:00:00.000Z");
    // A firing exactly at the instant asked about is not "next".
    assert.equal(parseSchedule("0 22 * * *")?.next(at("2026-06-01T22:00:00Z")), at("2026-06-02T22:00:00Z"));
  });

  it("refuses malformed and out-of-range expressions, and gives up on ones that never fire", () => {
    for (const bad of [
      "",
      "not-a-cron",
      "* * * *",
      "* * * * * *",
      "60 * * * *",
      "* 24 * * *",
      "* * 0 * *",
      "* * * 13 *",
      "* * * * 7",
      "*/0 * * * *",
      "5-1 * * * *",
      "1-2-3 * * * *",
      "*/5/2 * * * *",
      "@reboot",
      "@every nonsense",
      "@every -1h",
      `${"1,".repeat(200)}1 * * * *`,
    ]) {
      assert.equal(parseSchedule(bad), undefined, bad);
    }
    const started = performance.now();
    assert.equal(parseSchedule("0 0 31 2 *")?.next(at("2026-01-01T00:00:00Z")), undefined, "February 31st");
    assert.ok(performance.now() - started < 200, "bounded search");
  });
});

describe("sync windows: verdicts", () => {
  const open = at("2026-06-01T22:00:00Z");
  it("a window is open from each firing for its duration, both ends included", () => {
    const allow = nightly("allow");
    assert.equal(syncWindowVerdict(allow, open).allowed, true, "at open");
    assert.equal(syncWindowVerdict(allow, open + 30 * 60_000).allowed, true, "inside");
    assert.equal(syncWindowVerdict(allow, open + 2 * HOUR).allowed, true, "at close");
    assert.equal(syncWindowVerdict(allow, open + 2 * HOUR + 1000).allowed, false, "just after close");
    assert.equal(syncWindowVerdict(allow, open - HOUR).allowed, false, "before");
    assert.equal(syncWindowVerdict(allow, open + 24 * HOUR + 60_000).allowed, true, "next day's window");
  });

  it("allow blocks outside the windows until the next opens; deny blocks inside until all close", () => {
    assert.deepEqual(syncWindowVerdict(nightly("allow"), at("2026-06-01T20:00:00Z")), {
      allowed: false,
      nextAllowedMs: open,
    });
    assert.deepEqual(syncWindowVerdict(nightly("deny"), at("2026-06-01T23:00:00Z")), {
      allowed: false,
      nextAllowedMs: open + 2 * HOUR + 1,
    });
    assert.equal(syncWindowVerdict(nightly("deny"), at("2026-06-01T20:00:00Z")).allowed, true);
    // Overlapping deny windows: blocked until the later one closes.
    const overlapping: SyncWindows = {
      kind: "deny",
      windows: [
        { schedule: "0 22 * * *", duration: "2h" },
        { schedule: "30 23 * * *", duration: "1h" },
      ],
    };
    assert.deepEqual(syncWindowVerdict(overlapping, at("2026-06-01T22:10:00Z")), {
      allowed: false,
      nextAllowedMs: at("2026-06-02T00:30:00Z") + 1,
    });
  });

  it("ignores windows that do not parse; no windows or an unknown kind permit", () => {
    const invalid = { schedule: "not-a-cron", duration: "2h" };
    const inside = at("2026-06-01T23:00:00Z");
    assert.equal(syncWindowVerdict(undefined, inside).allowed, true);
    assert.equal(syncWindowVerdict({ kind: "allow", windows: [] }, inside).allowed, true);
    assert.equal(syncWindowVerdict({ kind: "allow", windows: [invalid] }, inside).allowed, false);
    assert.equal(syncWindowVerdict({ kind: "deny", windows: [invalid] }, inside).allowed, true);
    assert.equal(
      syncWindowVerdict({ kind: "deny", windows: [{ schedule: "0 22 * * *", duration: "x" }] }, inside).allowed,
      true,
    );
    assert.equal(
      syncWindowVerdict({ kind: "allow", windows: [invalid, ...nightly("allow").windows] }, inside).allowed,
      true,
    );
    assert.equal(
      syncWindowVerdict({ kind: "sometimes" as "allow", windows: nightly("allow").windows }, at("2026-06-01T12:00:00Z"))
        .allowed,
      true,
    );
  });

  it("a deny window that never closes is blocked with no next time, found in bounded time", () => {
    const started = performance.now();
    const v = syncWindowVerdict({ kind: "deny", windows: [{ schedule: "* * * * *", duration: "2h" }] }, open);
    assert.deepEqual(v, { allowed: false, nextAllowedMs: undefined });
    assert.ok(performance.now() - started < 500);
  });
});

describe("sync windows: plan", () => {
  function es(spec: Partial<ExternalSecret["spec"]>, synced = true): ExternalSecret {
    const e: ExternalSecret = {
      metadata: { name: "es", namespace: "ns", uid: "u", generation: 1 },
      spec: { secretStoreRef: { name: "store" }, refreshInterval: "1h", ...spec },
    };
    if (synced) {
      e.status = {
        refreshTime: "2026-06-01T10:00:00Z",
        syncedResourceVersion: resourceVersionOf(e.metadata!),
        conditions: [{ type: "Ready", status: "True", reason: "SecretSynced", message: "secret synced" }],
      };
    }
    return e;
  }
  const live = undefined;
  const valid = { creationPolicy: "None" } as const; // creationPolicy None: the live Secret never needs repair
  const now = at("2026-06-01T20:00:00Z");

  it("holds a due periodic refresh outside an allow window, and says until when", () => {
    const e = es({ syncWindows: nightly("allow"), target: valid });
    const plan = planSync({ es: e, live, nowMs: now, forced: false });
    assert.deepEqual(plan, { sync: false, intervalMs: HOUR, held: { untilMs: at("2026-06-01T22:00:00Z") } });
    const forced = planSync({ es: e, live, nowMs: now, forced: true });
    assert.equal(forced.sync, false, "a forced refresh is periodic too");
    assert.equal(planSync({ es: e, live, nowMs: at("2026-06-01T22:30:00Z"), forced: false }).sync, true);
  });

  it("never holds a first sync, a spec change, other refresh policies, or a drift repair", () => {
    assert.equal(
      planSync({ es: es({ syncWindows: nightly("allow") }, false), live, nowMs: now, forced: false }).sync,
      true,
    );
    const changed = es({ syncWindows: nightly("allow"), target: valid });
    changed.metadata!.generation = 2;
    assert.equal(planSync({ es: changed, live, nowMs: now, forced: false }).sync, true);
    const drift = planSync({ es: es({ syncWindows: nightly("allow") }), live, nowMs: now, forced: false });
    assert.equal(drift.sync, true, "Owner target missing: repaired");
    const onChange = es({ syncWindows: nightly("allow"), refreshPolicy: "OnChange", target: valid });
    assert.deepEqual(planSync({ es: onChange, live, nowMs: now, forced: false }), { sync: false, intervalMs: HOUR });
  });

  it("the held status names the next refresh on Ready=True and leaves a failure alone", () => {
    const e = es({ syncWindows: nightly("allow") });
    const status = heldStatus(e, at("2026-06-01T22:00:00Z"), now);
    const ready = status.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "True");
    assert.match(ready?.message ?? "", /held by syncWindows, next refresh at 2026-06-01T22:00:00Z/);
    e.status!.conditions = [{ type: "Ready", status: "False", reason: "SecretSyncedError", message: "boom" }];
    assert.equal(heldStatus(e, undefined, now).conditions?.[0]?.message, "boom");
  });
});

describe("sync windows: conversion", () => {
  it("v1beta1 has no syncWindows: served as v1beta1 they are kept aside and come back in v1", () => {
    const v1 = {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "es", namespace: "ns" },
      spec: { secretStoreRef: { name: "s" }, syncWindows: nightly("deny") },
    };
    const beta = toV1beta1Object(structuredClone(v1)) as unknown as { spec: Record<string, unknown> };
    assert.equal(beta.spec.syncWindows, undefined);
    assert.deepEqual(toV1Object(beta as never), v1);
  });
});

describe("sync windows: validation", () => {
  it("eso validate and the webhook refuse a window duration that is not a Go duration", () => {
    const manifest = (duration: string) => ({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "es", namespace: "ns" },
      spec: {
        secretStoreRef: { name: "s" },
        data: [{ secretKey: "k", remoteRef: { key: "k" } }],
        syncWindows: { kind: "allow", windows: [{ schedule: "@daily", duration }] },
      },
    });
    const errors = validateObject(manifest("eight hours")).filter((e) => e.severity === "error");
    assert.deepEqual(
      errors.map((e) => e.path),
      ["spec.syncWindows.windows[0].duration"],
    );
    assert.deepEqual(
      validateObject(manifest("8h")).filter((e) => e.severity === "error"),
      [],
    );
  });
});
