/**
 * Attacks 4 and 5, template bombs: a namespace admin writes an ExternalSecret template that appends 4 MB strings
 * in a loop until the heap is gone (which took the whole operator down, and again after every restart), or one
 * that calls bcrypt / derivePassword / genPrivateKey a thousand times (which held the event loop for minutes).
 * Templates now render in worker threads with a 64 MiB budget and a 2 s deadline: the process survives with its
 * RSS under baseline + 300 MiB, health probes answer, another tenant's ExternalSecret syncs meanwhile, the
 * attacker's ExternalSecret reports the limit it hit (its existing Secret untouched) and is retried with backoff.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EndpointServers } from "../../src/runtime/health.js";
import { RenderError, renderExternalSecret } from "../../src/sandbox/render.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  forceSync,
  type Harness,
  readyCondition,
  secretData,
  startHarness,
  waitForSecretData,
} from "../support/world.js";
import { HealthProbe, PROBE_EVERY_MS } from "./health-probe.js";

const ATTACKER = "bomber";
const VICTIM = "bystander";
const MiB = 1024 * 1024;
/** The documented bound: the operator's RSS stays within this of its warm baseline during a memory bomb. */
const RSS_BOUND = 300 * MiB;
const PROBE_LIMIT_MS = 1_000;

const MEMORY_BOMB = "{{ $x := list }}{{ range until 60 }}{{ $x = append $x (randAlpha 4000000) }}{{ end }}{{ len $x }}";
const DICT_BOMB =
  '{{ $d := dict }}{{ range $i, $e := until 60 }}{{ $_ := set $d (toString $i) (repeat 4000000 "a") }}{{ end }}{{ len $d }}';
const CPU_BOMBS = [
  '{{ range until 1000 }}{{ bcrypt "attacker" }}{{ end }}',
  '{{ range until 1000 }}{{ derivePassword 1 "long" "password" "user" "example.com" }}{{ end }}',
  '{{ range until 1000 }}{{ genPrivateKey "rsa" }}{{ end }}',
];

/** Samples the process's RSS every 20 ms while an attack runs. */
class RssSampler {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }, 20);

  stop(): number {
    clearInterval(this.timer);
    return this.peak;
  }
}

let h: Harness;
let health: EndpointServers;

const CPU_NAMESPACES = CPU_BOMBS.map((_, i) => `${ATTACKER}-cpu-${i}`);

const attackerSpec = (template: string) => ({
  refreshInterval: "1h",
  secretStoreRef: { name: "tenant", kind: "SecretStore" },
  data: [{ secretKey: "seed", remoteRef: { key: "seed" } }],
  target: { template: { data: { out: template } } },
});

before(async () => {
  // Several workers, as the chart deploys: the attacker's retries must not keep the others waiting anyway.
  h = await startHarness({ concurrency: 4 });
  health = new EndpointServers({
    healthAddr: "127.0.0.1:0",
    metricsAddr: "0",
    registry: h.registry,
    healthChecks: new Map([["ping", () => true]]),
    readyChecks: new Map([["ping", () => true]]),
  });
  await health.start();
  for (const ns of [ATTACKER, VICTIM, ...CPU_NAMESPACES]) {
    await createNamespace(h, ns);
    await createReadyStore(h, fakeStore("tenant", ns, [{ key: "seed", value: "seed-value" }]));
  }
  // A first template render starts the rendering machinery; the attacks are timed on a warm operator.
  await h.client.create(EXTERNAL_SECRETS, externalSecret("warm-up", VICTIM, attackerSpec("{{ .seed | upper }}")));
  await waitForSecretData(h, VICTIM, "warm-up");
});

after(async () => {
  await health?.stop();
  await h?.stop();
});

/** Deletes an attack's ExternalSecrets so their retries do not run into the next attack. */
async function remove(ns: string, ...names: string[]): Promise<void> {
  for (const name of names) await h.client.delete(EXTERNAL_SECRETS, ns, name);
}

async function readyMessage(ns: string, name: string, status: "True" | "False"): Promise<string | undefined> {
  const c = await readyCondition(h, EXTERNAL_SECRETS, ns, name);
  return c?.status === status ? (c.message ?? "") : undefined;
}

/** Failed syncs of one ExternalSecret so far (the controller's own counter). */
async function failedSyncs(ns: string, name: string): Promise<number> {
  const metric = await h.registry.getSingleMetric("externalsecret_sync_calls_error")?.get();
  const v = metric?.values.find((x) => x.labels.name === name && x.labels.namespace === ns);
  return v?.value ?? 0;
}

describe("template bombs written by a namespace admin", () => {
  it("a memory bomb fails its ExternalSecret with the memory limit, keeps its Secret, and the process lives on", async () => {
    // The attacker's ExternalSecret first syncs honestly, then its template turns into the bomb.
    await h.client.create(EXTERNAL_SECRETS, externalSecret("memory-bomb", ATTACKER, attackerSpec("{{ .seed }}")));
    assert.deepEqual(await waitForSecretData(h, ATTACKER, "memory-bomb"), { out: "seed-value" });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("dict-bomb", ATTACKER, attackerSpec(DICT_BOMB)));

    const baseline = process.memoryUsage().rss;
    const rss = new RssSampler();
    let peak: number;
    let messages: string[];
    try {
      await forceSync(h, ATTACKER, "memory-bomb", (es) => {
        es.spec.target.template.data.out = MEMORY_BOMB;
      });
      messages = await Promise.all(
        ["memory-bomb", "dict-bomb"].map((name) =>
          eventually(
            async () => {
              const m = await readyMessage(ATTACKER, name, "False");
              return m?.includes("memory limit") ? m : undefined;
            },
            { timeoutMs: 30_000, what: `${name} reports the memory limit` },
          ),
        ),
      );
      // Let the retries run for a while: memory must stay bounded across them too.
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      peak = rss.stop();
    }
    for (const m of messages) assert.match(m, /template exceeded its memory limit of 64 MiB/);
    const grew = peak - baseline;
    console.log(`memory bomb: RSS baseline ${Math.round(baseline / MiB)} MiB, peak +${Math.round(grew / MiB)} MiB`);
    assert.ok(grew < RSS_BOUND, `RSS grew by ${Math.round(grew / MiB)} MiB during the memory bomb`);
    assert.deepEqual(await secretData(h, ATTACKER, "memory-bomb"), { out: "seed-value" }, "the Secret was kept");
    await remove(ATTACKER, "memory-bomb", "dict-bomb");
  });

  it("a template over its limit is retried with growing backoff, not in a hot loop", async () => {
    // Fails fast (20 strings of 4 MB in one call), so only the backoff spaces the attempts.
    const fast = `{{ list ${Array.from({ length: 20 }, () => '(repeat 4000000 "a")').join(" ")} | len }}`;
    await h.client.create(EXTERNAL_SECRETS, externalSecret("retry-bomb", ATTACKER, attackerSpec(fast)));
    await eventually(() => readyMessage(ATTACKER, "retry-bomb", "False"), {
      timeoutMs: 30_000,
      what: "the first failure",
    });
    const first = await failedSyncs(ATTACKER, "retry-bomb");
    await new Promise((r) => setTimeout(r, 5_000));
    const afterFive = await failedSyncs(ATTACKER, "retry-bomb");
    await new Promise((r) => setTimeout(r, 5_000));
    const afterTen = await failedSyncs(ATTACKER, "retry-bomb");
    console.log(`retries: ${first} at the first failure, ${afterFive} after 5 s, ${afterTen} after 10 s`);
    assert.match((await readyMessage(ATTACKER, "retry-bomb", "False"))!, /memory limit of 64 MiB/);
    assert.ok(afterFive > first, "a template over its limit is retried");
    assert.ok(afterFive - first <= 15, `${afterFive - first} attempts in the first 5 s`);
    assert.ok(afterTen - afterFive <= 5, `${afterTen - afterFive} attempts in the next 5 s: the backoff must grow`);
    await remove(ATTACKER, "retry-bomb");
  });

  it("CPU-heavy functions in a loop time out while health probes answer and another tenant syncs", async () => {
    const probe = new HealthProbe(`http://${health.healthAddress}/healthz`);
    probe.start();
    const timedOut: number[] = [];
    let victimMs: number;
    const bomb = async (i: number) => {
      const created = performance.now();
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("cpu-bomb", CPU_NAMESPACES[i]!, attackerSpec(CPU_BOMBS[i]!)),
      );
      const m = await eventually(
        async () => {
          const msg = await readyMessage(CPU_NAMESPACES[i]!, "cpu-bomb", "False");
          return msg?.includes("timed out") ? msg : undefined;
        },
        { timeoutMs: 30_000, what: `the CPU bomb in ${CPU_NAMESPACES[i]} reports the timeout` },
      );
      assert.match(m, /template timed out after 2s/);
      timedOut[i] = performance.now() - created;
    };
    try {
      // Two new bombs at once take both render workers: the worst case for everyone else, since nothing is known
      // about them yet. The other tenant arrives while they run.
      const wave = [bomb(0), bomb(1)];
      await new Promise((r) => setTimeout(r, 300));
      const victimStart = performance.now();
      await h.client.create(EXTERNAL_SECRETS, externalSecret("innocent", VICTIM, attackerSpec("{{ .seed | upper }}")));
      await eventually(() => readyMessage(VICTIM, "innocent", "True"), {
        timeoutMs: 30_000,
        what: "the other tenant's ExternalSecret",
      });
      victimMs = performance.now() - victimStart;
      // The third bomb arrives while the first two are being retried.
      await Promise.all([...wave, bomb(2)]);
      await new Promise((r) => setTimeout(r, 5 * PROBE_EVERY_MS));
    } finally {
      await probe.stop();
      for (const ns of CPU_NAMESPACES) await remove(ns, "cpu-bomb");
    }
    console.log(
      `cpu bombs: timed out after ${timedOut.map(Math.round).join("/")} ms, other tenant Ready after ${Math.round(victimMs)} ms, worst probe ${Math.round(Math.max(...probe.delaysMs))} ms`,
    );
    assert.deepEqual(await secretData(h, VICTIM, "innocent"), { out: "SEED-VALUE" });
    assert.ok(victimMs < 5_000, `the other tenant's ExternalSecret was Ready after ${Math.round(victimMs)} ms`);
    for (const ms of timedOut) assert.ok(ms < 8_000, `a CPU bomb reported its timeout after ${Math.round(ms)} ms`);
    assert.ok(probe.delaysMs.length >= 10, `only ${probe.delaysMs.length} probes answered`);
    const worst = Math.max(...probe.delaysMs);
    assert.ok(worst < PROBE_LIMIT_MS, `a /healthz probe answered ${Math.round(worst)} ms after it was due`);
  });

  it("eso render's dry run obeys the same limits", async () => {
    const manifest = (template: string) => ({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "bomb", namespace: ATTACKER },
      spec: attackerSpec(template),
    });
    const baseline = process.memoryUsage().rss;
    const rss = new RssSampler();
    try {
      await assert.rejects(
        renderExternalSecret({ externalSecret: manifest(MEMORY_BOMB), objects: [], data: { seed: "x" } }),
        (e: unknown) => e instanceof RenderError && /template exceeded its memory limit of 64 MiB/.test(e.message),
      );
    } finally {
      const grew = rss.stop() - baseline;
      assert.ok(grew < RSS_BOUND, `RSS grew by ${Math.round(grew / MiB)} MiB during eso render's memory bomb`);
    }
    const t0 = performance.now();
    await assert.rejects(
      renderExternalSecret({
        externalSecret: manifest(CPU_BOMBS[0]!),
        objects: [],
        data: { seed: "x" },
        templateTimeoutMs: 500,
      }),
      (e: unknown) => e instanceof RenderError && /template timed out after 500ms/.test(e.message),
    );
    assert.ok(performance.now() - t0 < 5_000, "eso render kept its template deadline");
  });
});
