/**
 * Rollouts owed, per workload, and when each workload last rolled. Changes that arrive while a workload is inside
 * its rate-limit interval wait here (one entry per Secret, latest hash wins) and roll it once when it opens.
 */
import type { KubeObject } from "../../kube/index.js";

export interface RolloutTrigger {
  /** The Secret whose data changed (always in the workload's namespace). */
  secret: string;
  /** Its new data hash. */
  hash: string;
  /** Which opt-in selected the workload. */
  reason: string;
  /** The ExternalSecret that wrote the Secret (identity only, for its Event). */
  externalSecret: KubeObject;
}

export class PendingRollouts {
  private readonly owed = new Map<string, Map<string, RolloutTrigger>>();
  private readonly rolledAt = new Map<string, number>();

  add(key: string, trigger: RolloutTrigger): void {
    let bySecret = this.owed.get(key);
    if (!bySecret) this.owed.set(key, (bySecret = new Map()));
    bySecret.delete(trigger.secret);
    bySecret.set(trigger.secret, trigger);
  }

  /** Removes and returns what `key` is owed, oldest change first. */
  take(key: string): RolloutTrigger[] {
    const bySecret = this.owed.get(key);
    this.owed.delete(key);
    return bySecret ? [...bySecret.values()] : [];
  }

  has(key: string): boolean {
    return this.owed.has(key);
  }

  /** Puts back triggers a failed rollout took (newer ones added meanwhile win). */
  restore(key: string, triggers: RolloutTrigger[]): void {
    const newer = this.take(key);
    for (const t of [...triggers, ...newer]) this.add(key, t);
  }

  /** Milliseconds until `key` may roll again (0: now). */
  waitMs(key: string, nowMs: number, intervalMs: number): number {
    const last = this.rolledAt.get(key);
    return last === undefined ? 0 : Math.max(0, last + intervalMs - nowMs);
  }

  rolled(key: string, nowMs: number): void {
    this.rolledAt.set(key, nowMs);
  }

  /** The workload is gone. */
  forget(key: string): void {
    this.owed.delete(key);
    this.rolledAt.delete(key);
  }

  /** Drops rollout times older than the interval (they no longer hold anything back). */
  prune(nowMs: number, intervalMs: number): void {
    for (const [key, at] of this.rolledAt) if (at + intervalMs <= nowMs) this.rolledAt.delete(key);
  }
}
