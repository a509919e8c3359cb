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
}

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
    refreshSeconds: refreshFor(o.count),
    concurrency: o.concurrency ?? Number(process.env.BENCH_CONCURRENCY || 16),
    cycle: !process.env.BENCH_NO_CYCLE,
    unrelatedSecrets: o.unrelatedSecrets,
    unrelatedBytes: o.unrelatedSecrets ? 100 * 1024 : undefined,
    childExecArgv: o.childExecArgv,
    enablePushSecrets: o.enablePushSecrets,
  };
  const run = await runSetup(setup, log);
  return run.finish();
}
