/**
 * Provider outage: the Vault behind a store answers every secret read with 503, then stops answering in time.
 * The managed Secrets keep their last good data (no write at all), the ExternalSecret says why it is not
 * Ready, retries back off exponentially (the provider sees a bounded number of calls, no hot loop), and once
 * Vault is healthy the new value arrives within one backoff period.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { registerBuiltinProviders } from "../../src/providers/builtin.js";
import { newVaultProvider } from "../../src/providers/vault/index.js";
import { defaultControllerRateLimiter } from "../../src/runtime/ratelimit.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  type Cluster,
  createNamespace,
  decoded,
  externalSecret,
  startCluster,
  vaultTokenStoreManifest,
} from "../support/world.js";
import { canary, eventText, LogCapture, leaks, readyOf, runControllers } from "./support.js";

// Short provider timeouts so a hanging Vault costs the test seconds, not minutes; one provider-level retry.
const providers = registerBuiltinProviders().register(
  newVaultProvider({ requestTimeoutMs: 150, maxRetries: 1, retryBaseMs: 10 }),
);

const NS = "payments";
let c: Cluster;
let vault: FakeVault;
let ctl: Awaited<ReturnType<typeof runControllers>>;
const logs = new LogCapture();
const secretValues: string[] = [];

function secretWrites(): number {
  let n = 0;
  for (const [k, v] of Object.entries(c.api.requestCounts())) {
    const [verb, resource] = k.split(" ");
    if (resource === "secrets" && ["create", "update", "patch", "delete", "deletecollection"].includes(verb!)) n += v;
  }
  return n;
}

const PATHS = { db: "secret/data/payments/db", all: "secret/data/payments/app" };
type Name = keyof typeof PATHS;
/** Per ExternalSecret: when Vault saw its reads, and when its syncs failed (one failure per attempt). */
type Outage = Record<Name, { reads: number[]; failures: number[] }>;

function failureTimes(name: Name, since: number): number[] {
  return logs.lines
    .map((l) => JSON.parse(l) as { msg: string; name?: string; time: string })
    .filter((l) => l.msg === "sync failed" && l.name === name)
    .map((l) => Date.parse(l.time))
    .filter((t) => t >= since);
}

/** Times of the reads Vault received for one ExternalSecret's data since `since`. */
function readTimes(path: string, since: number): number[] {
  return vault.requests
    .filter((r) => r.path === path)
    .map((r) => (r as unknown as { at: number }).at)
    .filter((t) => t >= since);
}

async function snapshot() {
  const read = async (name: string) => {
    const s = await c.client.get<any>(SECRETS, NS, name);
    return { rv: s.metadata.resourceVersion as string, data: decoded(s) };
  };
  return { db: await read("db"), all: await read("all") };
}

before(async () => {
  c = await startCluster();
  vault = await new FakeVault().start();
  // Stamp every request so backoff gaps can be measured.
  const push = vault.requests.push.bind(vault.requests);
  vault.requests.push = (...items) => push(...items.map((r) => Object.assign(r, { at: Date.now() })));
  const password = canary("outage");
  secretValues.push(password);
  vault
    .addToken("root-token")
    .mountKv("secret", 2)
    .putSecret("secret", "payments/db", { username: "payments", password })
    .putSecret("secret", "payments/app", { password, mode: "live" });
  await createNamespace(c, NS);
  await c.client.create(SECRETS, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "vault-token", namespace: NS },
    stringData: { token: "root-token" },
  });
  await c.client.create(SECRET_STORES, vaultTokenStoreManifest(NS, vault.url));
  ctl = await runControllers(c, { logger: logs.logger, concurrency: 2, providers });
  for (const es of [
    externalSecret("db", NS, {
      refreshInterval: "1s",
      secretStoreRef: { name: "vault", kind: "SecretStore" },
      target: { name: "db" },
      data: [{ secretKey: "password", remoteRef: { key: "payments/db", property: "password" } }],
    }),
    externalSecret("all", NS, {
      refreshInterval: "1s",
      secretStoreRef: { name: "vault", kind: "SecretStore" },
      target: { name: "all" },
      dataFrom: [{ extract: { key: "payments/app" } }],
    }),
  ]) {
    await c.client.create(EXTERNAL_SECRETS, es);
  }
  await eventually(async () => (await snapshot()).all.data.password === password, {
    timeoutMs: 20_000,
    what: "initial sync",
  });
});

after(async () => {
  await ctl.stop();
  await vault.stop();
  await c.stop();
});

/**
 * Holds the outage for `ms`, checking throughout that no Secret is written and the Secrets keep their data.
 * Returns the Vault read times seen during the outage.
 */
async function holdOutage(ms: number, reason: RegExp): Promise<Outage> {
  const before = await snapshot();
  const start = Date.now();
  c.api.resetCounts();
  for (const name of ["db", "all"]) {
    const cond = await eventually(
      async () => {
        const r = readyOf(await c.client.get(EXTERNAL_SECRETS, NS, name));
        return r?.status === "False" && reason.test(r.message ?? "") ? r : undefined;
      },
      { timeoutMs: 15_000, what: `${name} Ready=False` },
    );
    assert.equal(cond.reason, "SecretSyncedError");
    assert.match(cond.message ?? "", reason, `${name}: the condition names the cause`);
  }
  // Answers are cached for a few seconds (coalesced reads), so the outage is felt from the first failure on.
  const failingSince = Date.now();
  while (Date.now() - failingSince < ms) {
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await snapshot(), before, "managed Secrets untouched during the outage");
  }
  assert.equal(secretWrites(), 0, `no Secret writes during the outage: ${JSON.stringify(c.api.requestCounts())}`);
  const of = (name: Name) => ({ reads: readTimes(PATHS[name], start), failures: failureTimes(name, start) });
  return { db: of("db"), all: of("all") };
}

const gapsOf = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

/**
 * Ends the outage with a rotated value; asserts it lands within one backoff period of the last failure. An attempt
 * still hanging when Vault recovers fails after that moment, so the period is counted from the last failure.
 */
async function recover(since: number): Promise<void> {
  const rotated = canary("rotated");
  secretValues.push(rotated);
  vault
    .putSecret("secret", "payments/db", { username: "payments", password: rotated })
    .putSecret("secret", "payments/app", { password: rotated, mode: "live" });
  const healthyAt = Date.now();
  vault.clearFaults();
  await eventually(
    async () => {
      const s = await snapshot();
      return s.db.data.password === rotated && s.all.data.password === rotated;
    },
    { timeoutMs: 60_000, what: "recovery after the outage" },
  );
  const recoveredAt = Date.now();
  const failures = { db: failureTimes("db", since), all: failureTimes("all", since) };
  const lastGap = Math.max(...gapsOf(failures.db).slice(-1), ...gapsOf(failures.all).slice(-1));
  const from = Math.max(healthyAt, ...failures.db, ...failures.all);
  const took = recoveredAt - from;
  // The next retry is at most twice the last gap away (exponential backoff); 2 s of slack for a loaded machine.
  assert.ok(took <= 2 * lastGap + 2_000, `recovered ${took} ms after the last failure; last backoff gap ${lastGap} ms`);
  for (const name of ["db", "all"]) {
    assert.equal(readyOf(await c.client.get(EXTERNAL_SECRETS, NS, name))?.status, "True");
  }
}

function assertBackoff(outage: Outage, ms: number, label: string): void {
  // The controller backoff starts at 5 ms and doubles per failure, so an outage of `ms` allows about
  // log2(ms / 5) attempts per ExternalSecret, 2 provider calls each (1 provider-level retry). A hot loop
  // would make thousands.
  const attempts = Math.ceil(Math.log2((ms + 2_000) / 5)) + 3;
  for (const [name, { reads, failures }] of Object.entries(outage)) {
    assert.ok(failures.length >= 4, `${label}/${name}: retried (${failures.length} attempts)`);
    assert.ok(
      failures.length <= attempts,
      `${label}/${name}: ${failures.length} attempts in ${ms} ms (max ${attempts})`,
    );
    assert.ok(reads.length <= 2 * failures.length + 2, `${label}/${name}: ${reads.length} provider calls`);
    // Time between failed attempts (attempt duration + backoff) never shrinks much and ends past a second.
    // (Gaps under 150 ms are dominated by how long an attempt takes, not by the backoff.)
    const gaps = gapsOf(failures).filter((g) => g >= 150);
    for (let i = 1; i < gaps.length; i++) {
      assert.ok(gaps[i]! >= gaps[i - 1]! * 0.7, `${label}/${name}: backoff grows (${gaps.join(",")})`);
    }
    assert.ok(gaps.at(-1)! >= 1_000, `${label}/${name}: backoff past 1 s (${gaps.join(",")})`);
  }
  const calls = outage.db.reads.length + outage.all.reads.length;
  const tries = outage.db.failures.length + outage.all.failures.length;
  console.log(`# reliability/provider-outage ${label}: ${tries} attempts, ${calls} provider calls in ${ms} ms`);
}

describe("provider outage", () => {
  it("sustained 503s: Secrets untouched, Ready=False with the reason, bounded backoff, prompt recovery", async () => {
    const since = Date.now();
    vault.clearFaults().fault("secret/", { status: 503, body: { errors: ["Vault is sealed"] } }, 1_000_000);
    const outage = await holdOutage(8_000, /503|sealed/);
    assertBackoff(outage, 8_000, "503");
    await recover(since);
  });

  it("sustained timeouts: same guarantees when Vault stops answering", async () => {
    const since = Date.now();
    vault.clearFaults().fault("secret/", { delayMs: 1_500, status: 504 }, 1_000_000);
    const outage = await holdOutage(8_000, /timed out/);
    assertBackoff(outage, 8_000, "timeouts");
    await recover(since);
  });

  it("the retry backoff doubles per failure and is capped (controller-runtime defaults: 5 ms .. 1000 s)", () => {
    const limiter = defaultControllerRateLimiter();
    const delays = Array.from({ length: 40 }, () => limiter.when("ns/es"));
    assert.equal(delays[0], 5);
    for (let i = 1; i < 18; i++) assert.equal(delays[i], delays[i - 1]! * 2);
    assert.equal(Math.max(...delays), 1_000_000);
    assert.deepEqual(delays.slice(-10), Array(10).fill(1_000_000));
    limiter.forget("ns/es");
    assert.equal(limiter.when("ns/es"), 5, "a success resets the backoff");
  });

  it("no secret value reached the logs, events or status during the outages", async () => {
    const status = JSON.stringify((await c.client.list<any>(EXTERNAL_SECRETS, NS)).map((e) => e.status));
    const haystack = [logs.text(), await eventText(c), status, await ctl.registry.metrics()].join("\n");
    assert.deepEqual(leaks(haystack, secretValues), []);
    assert.match(logs.text(), /sync failed/, "failures were logged");
  });
});
