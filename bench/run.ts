/**
 * `npm run bench [-- --quick] [-- --scenario=sync,shared,...] [-- --profile]`: runs the real controller (a child
 * process) against the in-process API server over HTTP and the provider test servers, prints a table and saves
 * the figures with a description of the machine under bench/results/.
 *
 * Scenarios: defaults-fake-1k, defaults-aws-1k, defaults-shared-aws-1k (the chart's default flags: --client-qps
 * 50 --client-burst 100 --concurrent 4, refreshInterval 1m); unthrottled: sync-fake-1k, sync-fake-10k,
 * sync-aws-1k, sync-aws-10k (all-new to all-Ready, then one no-change refresh cycle), shared-aws-1k (1,000 ExternalSecrets reading the same 10 AWS secrets), memory-10k (10,000
 * ExternalSecrets + 10,000 unrelated 100 KiB Secrets), notify-aws (notification -> updated Secret latency),
 * rollouts-10k (--enable-workload-rollouts with 10,000 Deployments: memory off vs on, rollout latency);
 * scale-10k and scale-100k (one process, then 4 processes in --shard-mode, at --client-qps 200 each: all-Ready,
 * peak RSS per process, steady-state writes per refresh cycle; scale-10k-by-namespace with --shard-by namespace). scale-100k runs for most of an hour, so it runs
 * only when named. --scenario takes names or prefixes ("sync", "aws"). --quick divides the sizes by 10 (memory
 * by 5).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { type FlagSpec, parseFlags } from "../src/cli/flags.js";
import type { ScenarioResult } from "./scenarios/common.js";
import { notifyScenario } from "./scenarios/notify.js";
import { rolloutsScenario } from "./scenarios/rollouts.js";
import { type ScaleResult, scaleScenario } from "./scenarios/scale.js";
import { syncScenario } from "./scenarios/sync.js";

interface Args {
  quick: boolean;
  scenarios: string[];
  profile: boolean;
  concurrency?: number;
}

const flags: Record<string, FlagSpec> = {
  quick: { type: "bool", default: "false", help: "smaller sizes" },
  profile: { type: "bool", default: "false", help: "CPU-profile the controller" },
  concurrency: { type: "int", default: "0", help: "BENCH_CONCURRENCY for the controller (0: its default)" },
  scenario: { type: "string", default: "", help: "scenario ids, comma-separated (repeatable)", alias: "s" },
  help: { type: "bool", default: "false", help: "show usage", alias: "h" },
};

function parseArgs(argv: string[]): Args {
  const values = parseFlags(argv, flags);
  if (values.get("help") === "true") {
    console.log("usage: npm run bench -- [--quick] [--scenario=name[,name...]] [--profile]");
    console.log(`scenarios: ${SCENARIOS.map((s) => s.id).join(", ")}`);
    process.exit(0);
  }
  return {
    quick: values.get("quick") === "true",
    scenarios: values.all("scenario").flatMap((v) => v.split(",")),
    profile: values.get("profile") === "true",
    concurrency: Number(values.get("concurrency")) || undefined,
  };
}

type Log = (m: string) => void;
type Result = ScenarioResult | ScaleResult;
interface Scenario {
  id: string;
  run: (quick: boolean, log: Log, execArgv: string[]) => Promise<Result>;
  /** Runs only when named by --scenario. */
  onlyWhenNamed?: boolean;
}

/**
 * Shard-mode scenarios: a per-process QPS at which one process is held by its rate limit while four still fit
 * the bench machine's 2 cores with the API server; refresh phases spread over an hour, as large clusters run.
 */
const scale =
  (count: number, heapMiB: { single: number; shard: number }, shardBy?: "namespace") => (log: Log, x: string[]) =>
    scaleScenario(
      {
        count,
        shards: 4,
        clientQps: 200,
        clientBurst: 400,
        concurrency: 4,
        refreshSeconds: 3600,
        settleSeconds: 30,
        steadySeconds: 120,
        heapMiB,
        shardBy,
        childExecArgv: x,
      },
      log,
    );

const size = (full: number, quick: boolean, div = 10) => (quick ? Math.max(50, Math.round(full / div)) : full);

const SCENARIOS: Scenario[] = [
  {
    id: "defaults-fake-1k",
    run: (q, log, x) =>
      syncScenario(
        { provider: "fake", count: size(1000, q), chartDefaults: true, name: "defaults-fake-1k", childExecArgv: x },
        log,
      ),
  },
  {
    id: "defaults-aws-1k",
    run: (q, log, x) =>
      syncScenario(
        { provider: "aws", count: size(1000, q), chartDefaults: true, name: "defaults-aws-1k", childExecArgv: x },
        log,
      ),
  },
  {
    id: "defaults-shared-aws-1k",
    run: (q, log, x) =>
      syncScenario(
        {
          provider: "aws",
          count: size(1000, q),
          pool: 10,
          chartDefaults: true,
          name: "defaults-shared-aws-1k",
          childExecArgv: x,
        },
        log,
      ),
  },
  {
    id: "sync-fake-1k",
    run: (q, log, x) => syncScenario({ provider: "fake", count: size(1000, q), childExecArgv: x }, log),
  },
  {
    id: "sync-fake-10k",
    run: (q, log, x) => syncScenario({ provider: "fake", count: size(10_000, q), childExecArgv: x }, log),
  },
  {
    id: "sync-aws-1k",
    run: (q, log, x) => syncScenario({ provider: "aws", count: size(1000, q), childExecArgv: x }, log),
  },
  {
    id: "sync-aws-10k",
    run: (q, log, x) => syncScenario({ provider: "aws", count: size(10_000, q), childExecArgv: x }, log),
  },
  {
    id: "shared-aws-1k",
    run: (q, log, x) =>
      syncScenario(
        { provider: "aws", count: size(1000, q), pool: 10, name: `shared-aws-${size(1000, q)}`, childExecArgv: x },
        log,
      ),
  },
  {
    id: "memory-10k",
    run: (q, log, x) =>
      syncScenario(
        {
          provider: "fake",
          count: size(10_000, q, 5),
          unrelatedSecrets: size(10_000, q, 5),
          name: `memory-${size(10_000, q, 5)}`,
          childExecArgv: x,
        },
        log,
      ),
  },
  {
    id: "memory-10k-nopush",
    run: (q, log, x) =>
      syncScenario(
        {
          provider: "fake",
          count: size(10_000, q, 5),
          unrelatedSecrets: size(10_000, q, 5),
          name: `memory-${size(10_000, q, 5)}-push-secrets-off`,
          childExecArgv: x,
          enablePushSecrets: false,
        },
        log,
      ),
  },
  { id: "notify-aws", run: (q, log) => notifyScenario(size(1000, q), log) },
  {
    id: "rollouts-10k",
    run: (q, log, x) =>
      rolloutsScenario({ deployments: size(10_000, q), externalSecrets: 100, namespaces: 10, childExecArgv: x }, log),
  },
  { id: "scale-10k", run: (q, log, x) => scale(size(10_000, q, 5), { single: 512, shard: 256 })(log, x) },
  {
    id: "scale-10k-by-namespace",
    run: (q, log, x) => scale(size(10_000, q, 5), { single: 512, shard: 256 }, "namespace")(log, x),
  },
  {
    id: "scale-100k",
    onlyWhenNamed: true,
    run: (q, log, x) => scale(size(100_000, q), { single: 1280, shard: 352 })(log, x),
  },
];

function machine() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

const f1 = (n: number) => n.toFixed(1);
const KIND_NAMES: Record<string, string> = {
  "externalsecrets/status": "status",
  "secretstores/status": "store status",
};
const writes = (w: Record<string, number> | undefined) =>
  Object.entries(w ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${KIND_NAMES[k] ?? k} ${n}`)
    .join(", ");
const flagsOf = (r: ScenarioResult) =>
  `${r.clientQps ? `qps ${r.clientQps}/${r.clientBurst ?? "?"}` : "no limit"}, c ${r.concurrency}`;
const verbs = (v: Record<string, number>) =>
  ["get", "list", "watch", "create", "update", "patch", "delete"]
    .filter((k) => v[k])
    .map((k) => `${k} ${v[k]}`)
    .join(", ");

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

const perProcess = (xs: number[]) => (xs.length > 1 ? `${Math.min(...xs)}-${Math.max(...xs)}` : String(xs[0]));

function scaleTable(results: ScaleResult[]): string {
  const rows = results.flatMap((r) =>
    [r.single, r.sharded].map((run) => [
      r.scenario,
      run.processes === 1 ? "1 process" : `${run.processes} shards`,
      `qps ${r.clientQps}/${r.clientBurst}, c ${r.concurrency}`,
      f1(run.readySeconds),
      run.processes === 1 ? "1.00" : r.speedup.toFixed(2),
      perProcess(run.peakRssMiB),
      perProcess(run.cpuSeconds),
      writes(run.coldWrites),
      writes(run.steadyWritesPerCycle),
      `${run.providerCalls.coldStart} / ${run.providerCalls.steadyWindow}`,
    ]),
  );
  return table([
    [
      "scenario",
      "processes",
      "flags (each)",
      "all-Ready (s)",
      "speed-up",
      "peak RSS per process (MiB)",
      "CPU per process (s)",
      "writes to all-Ready",
      "steady writes per refresh cycle",
      "provider calls: cold / steady window",
    ],
    ...rows,
  ]);
}

export function report(all: Result[]): string {
  const out: string[] = [];
  const scales = all.filter((r): r is ScaleResult => "sharded" in r);
  const results = all.filter((r): r is ScenarioResult => !("sharded" in r));
  if (scales.length) {
    out.push(
      `Scale-out (refresh interval ${scales[0]!.refreshSeconds} s; steady writes counted over ${scales[0]!.steadySeconds} s and scaled to the interval):`,
      scaleTable(scales),
      "",
    );
  }
  if (results.length === 0) return out.join("\n");
  out.push(
    table([
      [
        "scenario",
        "flags",
        "ExternalSecrets",
        "all-Ready (s)",
        "syncs/s",
        "API writes by kind",
        "API requests by verb",
        "provider calls",
        "peak RSS (MiB)",
        "CPU (s)",
      ],
      ...results.map((r) => [
        r.scenario,
        flagsOf(r),
        String(r.externalSecrets),
        f1(r.readySeconds),
        String(Math.round(r.syncsPerSecond)),
        writes(r.writesByKind),
        verbs(r.apiRequests.byVerb),
        String(r.providerCalls),
        f1(r.peakRssMiB),
        f1(r.cpuSeconds),
      ]),
    ]),
  );
  const cycles = results.filter((r) => r.cycle);
  if (cycles.length) {
    out.push("", "No-change refresh cycle (every ExternalSecret refreshed once, nothing changed at the provider):");
    out.push(
      table([
        [
          "scenario",
          "interval (s)",
          "spread (s)",
          "syncs",
          "API writes by kind",
          "Secret writes",
          "status writes",
          "provider calls",
          "distinct remote secrets",
          "API requests by verb",
        ],
        ...cycles.map((r) => [
          r.scenario,
          String(r.refreshSeconds ?? ""),
          f1(r.cycle!.seconds),
          String(r.cycle!.syncs),
          writes(r.cycle!.writesByKind),
          String(r.cycle!.secretWrites),
          `${r.cycle!.statusWrites} (${(r.cycle!.statusWrites / Math.max(1, r.cycle!.syncs)).toFixed(2)})`,
          String(r.cycle!.providerCalls),
          String(r.distinctRemoteSecrets),
          verbs(r.cycle!.apiRequests.byVerb),
        ]),
      ]),
    );
    for (const r of cycles) {
      const max = Math.max(...r.cycle!.histogram.map(([, n]) => n), 1);
      out.push("", `Sync times in the refresh cycle, ${r.scenario} (spread ${f1(r.cycle!.seconds)} s):`);
      for (const [t, n] of r.cycle!.histogram) {
        out.push(`  +${t.toFixed(2).padStart(6)} s ${String(n).padStart(6)} ${"#".repeat(Math.round((n / max) * 40))}`);
      }
    }
  }
  for (const r of results.filter((x) => x.notifyLatencyMs)) {
    const l = r.notifyLatencyMs!;
    out.push(
      "",
      `Notification -> updated Secret (${r.scenario}, ${l.samples.length} samples): p50 ${l.p50} ms, p95 ${l.p95} ms, max ${l.max} ms`,
    );
  }
  return out.join("\n");
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.scenarios.length
    ? SCENARIOS.filter((s) =>
        args.scenarios.some((want) =>
          // An exact id names that scenario only; anything else is a prefix or part of ids.
          SCENARIOS.some((x) => x.id === want) ? s.id === want : s.id.startsWith(want) || s.id.includes(want),
        ),
      )
    : SCENARIOS.filter((s) => !s.onlyWhenNamed);
  if (chosen.length === 0) throw new Error(`no scenario matches ${args.scenarios.join(",")}`);
  // npm runs scripts from the package root.
  const resultsDir = `${process.cwd()}/bench/results/`;
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const execArgv = process.env.BENCH_CHILD_IMPORT
    ? ["--import", process.env.BENCH_CHILD_IMPORT]
    : args.profile
      ? ["--cpu-prof", `--cpu-prof-dir=${resultsDir}profiles-${stamp}`]
      : [];
  if (args.concurrency) process.env.BENCH_CONCURRENCY = String(args.concurrency);
  const results: Result[] = [];
  const failed: { scenario: string; error: string }[] = [];
  for (const s of chosen) {
    const log = (m: string) => console.error(`[${s.id}] ${m}`);
    log(args.quick ? "running (quick)" : "running");
    try {
      results.push(await s.run(args.quick, log, execArgv));
    } catch (err) {
      log(`FAILED: ${(err as Error).message}`);
      failed.push({ scenario: s.id, error: (err as Error).message });
    }
  }
  let text = report(results);
  for (const f of failed) text += `\n\nFAILED ${f.scenario}: ${f.error}`;
  console.log(`\n${text}`);
  const m = machine();
  console.log(`\nmachine: ${m.os}, ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}`);
  const file = `${resultsDir}${stamp}${args.quick ? "-quick" : ""}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), quick: args.quick, machine: m, results, failed }, null, 2)}\n`,
  );
  console.log(`saved ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
