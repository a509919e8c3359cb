/**
 * Attack 3, regexp denial of service: a namespace admin writes Go regexps with nested repetition, "^(a+)+$",
 * where the operator matches them against text the tenant also controls: a template's regexMatch, a
 * dataFrom find.name.regexp over the store's keys, a dataFrom rewrite over the keys found, and semverCompare's
 * own constraint regexp. On a backtracking engine each of these runs for minutes on the single event loop
 * (every extra "a" doubles it). While they run, a probe asks the operator's /healthz every 100 ms: every probe
 * must answer within 1 s, and each ExternalSecret must resolve (with the result Go's RE2 gives) within 2 s.
 * Without a linear-time engine the find and rewrite block the event loop for minutes (the probe fails), and
 * the template ones never produce their result (or a rendering deadline cuts them off).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EndpointServers } from "../../src/runtime/health.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  type Harness,
  readyCondition,
  secretData,
  startHarness,
  waitForSecretData,
} from "../support/world.js";
import { HealthProbe, PROBE_EVERY_MS } from "./health-probe.js";

const NS = "redos";
const EVIL = "^(a+)+$";
const A30 = "a".repeat(30);
const PROBE_LIMIT_MS = 1_000;
const RESOLVE_LIMIT_MS = 2_000;

let h: Harness;
let health: EndpointServers;

before(async () => {
  h = await startHarness();
  health = new EndpointServers({
    healthAddr: "127.0.0.1:0",
    metricsAddr: "0",
    registry: h.registry,
    healthChecks: new Map([["ping", () => true]]),
    readyChecks: new Map([["ping", () => true]]),
  });
  await health.start();
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("tenant", NS, [
      { key: "aaaa", value: "short" },
      { key: `${A30}!`, value: "long-bang" },
      { key: `${A30}-`, value: "long-dash" },
    ]),
  );
  // A first template render may start the rendering machinery; the attack is timed on a warm operator.
  await h.client.create(
    EXTERNAL_SECRETS,
    externalSecret("warm-up", NS, {
      secretStoreRef: { name: "tenant", kind: "SecretStore" },
      target: { template: { data: { out: "{{ .short | upper }}" } } },
      data: [{ secretKey: "short", remoteRef: { key: "aaaa" } }],
    }),
  );
  await waitForSecretData(h, NS, "warm-up");
});

after(async () => {
  await health?.stop();
  await h?.stop();
});

/** Milliseconds from now until `check` holds (polled every 50 ms), or a failure after 15 s. */
async function msUntil(check: () => Promise<boolean>, what: string): Promise<number> {
  const t0 = performance.now();
  await eventually(check, { timeoutMs: 15_000, what: what });
  return performance.now() - t0;
}

const ready = async (name: string, status: "True" | "False") =>
  (await readyCondition(h, EXTERNAL_SECRETS, NS, name))?.status === status;

const sameData = async (name: string, want: Record<string, string>) => {
  try {
    assert.deepEqual(await secretData(h, NS, name), want);
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates the attacker's ExternalSecret while /healthz is probed; returns how long it took to resolve and the
 * worst probe delay. The probe keeps going a little after, in case work was still queued behind the sync.
 */
async function attack(
  name: string,
  spec: Record<string, unknown>,
  resolved: () => Promise<boolean>,
): Promise<{ resolveMs: number; worstProbeMs: number; probes: number }> {
  const probe = new HealthProbe(`http://${health.healthAddress}/healthz`);
  probe.start();
  let resolveMs: number;
  try {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret(name, NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "tenant", kind: "SecretStore" },
        ...spec,
      }),
    );
    resolveMs = await msUntil(resolved, `${name} resolved`);
    await new Promise((r) => setTimeout(r, 5 * PROBE_EVERY_MS));
  } finally {
    await probe.stop();
  }
  return { resolveMs, worstProbeMs: Math.max(...probe.delaysMs), probes: probe.delaysMs.length };
}

function assertUnharmed(r: { resolveMs: number; worstProbeMs: number; probes: number }): void {
  assert.ok(r.resolveMs < RESOLVE_LIMIT_MS, `resolved after ${Math.round(r.resolveMs)} ms`);
  assert.ok(r.probes >= 5, `only ${r.probes} probes answered`);
  assert.ok(r.worstProbeMs < PROBE_LIMIT_MS, `a /healthz probe answered ${Math.round(r.worstProbeMs)} ms late`);
}

describe("ReDoS through tenant-written Go regexps", () => {
  it("template: regexMatch with nested repetition on a long non-matching string", async () => {
    const name = "template-regexmatch";
    const r = await attack(
      name,
      {
        target: { template: { data: { verdict: `{{ regexMatch "${EVIL}" "${A30}!" }}` } } },
        data: [{ secretKey: "short", remoteRef: { key: "aaaa" } }],
      },
      async () => (await ready(name, "True")) && sameData(name, { verdict: "false" }),
    );
    assertUnharmed(r);
  });

  it("dataFrom find.name.regexp with nested repetition over a store key of 30 a's and a !", async () => {
    const name = "find-name-regexp";
    const r = await attack(
      name,
      { dataFrom: [{ find: { name: { regexp: EVIL } } }] },
      async () => (await ready(name, "True")) && sameData(name, { aaaa: "short" }),
    );
    assertUnharmed(r);
  });

  it("dataFrom rewrite regexp with nested repetition over a found key of 30 a's and a -", async () => {
    // the long key ends in "-" rather than "!" so that, left as it is, it is still a valid Secret key
    const name = "rewrite-regexp";
    const r = await attack(
      name,
      {
        dataFrom: [
          { find: { name: { regexp: "^a+-?$" } }, rewrite: [{ regexp: { source: EVIL, target: "short-key" } }] },
        ],
      },
      async () => (await ready(name, "True")) && sameData(name, { "short-key": "short", [`${A30}-`]: "long-dash" }),
    );
    assertUnharmed(r);
  });

  it("template: semverCompare on a constraint that Masterminds' nested-repetition regexp rejects", async () => {
    // the constraint is invalid, so the ExternalSecret fails: promptly, with the store and operator unharmed
    const name = "semver-constraint";
    const r = await attack(
      name,
      {
        target: { template: { data: { ok: `{{ semverCompare "${"1".repeat(30)}!" "1.0.0" }}` } } },
        data: [{ secretKey: "short", remoteRef: { key: "aaaa" } }],
      },
      () => ready(name, "False"),
    );
    assertUnharmed(r);
  });
});
