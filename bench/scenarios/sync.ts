/** Full sync and a no-change refresh cycle for N ExternalSecrets, optionally with unrelated big Secrets. */
import { type ProviderKind, runSetup, type ScenarioResult, type Setup } from "./common.js";

export interface SyncOptions {
  provider: ProviderKind;
  count: number;
  /** "own": each ExternalSecret reads 3 properties of its own remote secret; a number: 3 of that many shared keys. */
  pool?: number;
  unrelatedSecrets?: number;
  name?: string;
  concurrency?: number;
  childExecArgv?: string[];
  enablePushSecrets?: boolean;
  /** The chart's defaults: --client-qps 50 --client-burst 100 --concurrent 4, refreshInterval 1m. */
  chartDefaults?: boolean;
}

/** What deploy/charts/external-secrets/values.yaml and the controller's flags default to. */
export const CHART_DEFAULTS = { clientQps: 50, clientBurst: 100, concurrency: 4, refreshSeconds: 60 } as const;

/** Refresh interval long enough that the first sync of every ExternalSecret ends before the next cycle. */
function refreshFor(count: number): number {
  return count >= 5000 ? 60 : 20;
}

export async function syncScenario(o: SyncOptions, log: (m: string) => void): Promise<ScenarioResult> {
  const setup: Setup = {
    name: o.name ?? `sync-${o.provider}-${o.count}`,
    provider: o.provider,
    count: o.count,
    namespaces: Math.max(1, Math.round(o.count / 1000)),
    keys: o.pool ? { kind: "pool", pool: o.pool } : { kind: "own" },
    refreshSeconds: o.chartDefaults ? CHART_DEFAULTS.refreshSeconds : refreshFor(o.count),
    concurrency:
      o.concurrency ?? (o.chartDefaults ? CHART_DEFAULTS.concurrency : Number(process.env.BENCH_CONCURRENCY || 16)),
    ...(o.chartDefaults ? { clientQps: CHART_DEFAULTS.clientQps, clientBurst: CHART_DEFAULTS.clientBurst } : {}),
    cycle: !process.env.BENCH_NO_CYCLE,
    warmCycle: o.chartDefaults,
    unrelatedSecrets: o.unrelatedSecrets,
    unrelatedBytes: o.unrelatedSecrets ? 100 * 1024 : undefined,
    childExecArgv: o.childExecArgv,
    enablePushSecrets: o.enablePushSecrets,
  };
  const run = await runSetup(setup, log);
  return run.finish();
}
