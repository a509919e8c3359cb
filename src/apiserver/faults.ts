/** Test hooks: injected failures, added latency, and per verb+resource request counters. */
import { ApiError } from "./errors.js";

export interface FaultMatch {
  verb?: string;
  resource?: string;
  namespace?: string;
}

interface Rule {
  match: FaultMatch;
  remaining: number;
  code: number;
  message?: string;
}

export class Faults {
  private rules: Rule[] = [];
  latencyMs = 0;
  private readonly counts = new Map<string, number>();

  failNext(match: FaultMatch, count: number, code: number, message?: string): void {
    if (count > 0) this.rules.push({ match, remaining: count, code, message });
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  /** Counts the request and throws the injected error if a rule matches. `resource` includes "/subresource". */
  check(verb: string, resource: string, namespace: string | undefined): void {
    const key = `${verb} ${resource}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.rules.length === 0) return;
    for (const r of this.rules) {
      const m = r.match;
      if (m.verb !== undefined && m.verb !== verb) continue;
      if (m.resource !== undefined && m.resource !== resource) continue;
      if (m.namespace !== undefined && m.namespace !== namespace) continue;
      r.remaining--;
      if (r.remaining <= 0) this.rules = this.rules.filter((x) => x !== r);
      const details = r.code === 429 || r.code === 503 ? { retryAfterSeconds: 1 } : undefined;
      throw new ApiError(r.code, r.message ?? `injected fault: ${verb} ${resource}`, undefined, details);
    }
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetCounts(): void {
    this.counts.clear();
  }
}
