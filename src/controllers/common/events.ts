/**
 * Kubernetes Events (core/v1) about the objects the controllers reconcile, correlated as client-go does:
 * - a repeat of the same event (same object, type, reason and message) patches the existing Event's `count` and
 *   `lastTimestamp` instead of creating a new one;
 * - when one object emits more than 10 different messages for the same type and reason within 10 minutes, further
 *   ones are folded into a single "(combined from similar events)" Event.
 * - each object may emit 25 events at once, then one per 5 minutes (`EventSpamFilter`, as client-go's);
 * - at most `maxPending` writes wait at once (client-go queues 1000): beyond that, events are dropped, so a
 *   slow API server never makes them pile up in memory.
 * Writes for one Event are serialized, so concurrent repeats never create duplicates. The composition root gives
 * the recorder a client of its own, with its own QPS budget (as client-go's event broadcaster has), so Events
 * never delay the Secret and status writes. Messages never carry secret values (callers pass fixed texts or
 * sanitized errors).
 */
import { EVENTS, isNotFound, type KubeClient, type KubeObject } from "../../kube/index.js";
import { realClock } from "../../runtime/clock.js";
import { EventSpamFilter, type EventSpamFilterOptions } from "../../runtime/event-spam-filter.js";

export interface EventRecorder {
  event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void;
}

export interface EventRecorderOptions {
  /** Time source (ms since epoch), for tests. */
  now?: () => number;
  /** Distinct events remembered for aggregation (least recently used are forgotten; default 4096). */
  cacheSize?: number;
  /** Per-object spam filter settings (default: client-go's, 25 at once then 1 per 5 minutes). */
  spam?: Omit<EventSpamFilterOptions, "clock">;
  /** Writes allowed to wait at once; further events are dropped (default 1000). */
  maxPending?: number;
}

export interface EventRecorderStats {
  written: number;
  /** Refused by the per-object spam filter. */
  filtered: number;
  /** Dropped because `maxPending` writes were already waiting. */
  dropped: number;
}

/** Event count per object/type/reason after which different messages are combined (client-go's default). */
const SIMILAR_MAX = 10;
const SIMILAR_WINDOW_MS = 10 * 60_000;
const MESSAGE_LIMIT = 1024;

interface Recorded {
  name?: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  /** Tail of the write chain for this event key. */
  tail: Promise<void>;
}

interface Similar {
  messages: Set<string>;
  since: number;
}

const seconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Posts core/v1 Events with repeats aggregated; failures go to `onError`, never thrown. */
export class ApiEventRecorder implements EventRecorder {
  private readonly recorded = new Map<string, Recorded>();
  private readonly similar = new Map<string, Similar>();
  private readonly now: () => number;
  private readonly cacheSize: number;
  private readonly spam: EventSpamFilter;
  private readonly maxPending: number;
  private pending = 0;
  private seq = 0;
  private readonly counters: EventRecorderStats = { written: 0, filtered: 0, dropped: 0 };

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly onError: (err: unknown) => void = () => {},
    opts: EventRecorderOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.cacheSize = Math.max(1, opts.cacheSize ?? 4096);
    this.spam = new EventSpamFilter({ ...opts.spam, clock: { now: this.now, setTimer: realClock.setTimer } });
    this.maxPending = Math.max(1, opts.maxPending ?? 1000);
  }

  stats(): EventRecorderStats {
    return { ...this.counters };
  }

  event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void {
    const m = obj.metadata ?? {};
    const involvedObject = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
    };
    const source = [this.component, obj.apiVersion, obj.kind, m.namespace, m.name, m.uid];
    const objectKey = [...source, type, reason];
    const now = this.now();
    let text = message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT - 3)}...` : message;
    let key = JSON.stringify([...objectKey, text]);
    if (!this.recorded.has(key)) {
      const group = JSON.stringify(objectKey);
      let sim = this.similar.get(group);
      if (!sim || now - sim.since > SIMILAR_WINDOW_MS) {
        sim = { messages: new Set(), since: now };
        this.similar.set(group, sim);
      }
      sim.messages.add(text);
      if (sim.messages.size > SIMILAR_MAX) {
        text = `(combined from similar events): ${text}`.slice(0, MESSAGE_LIMIT);
        key = JSON.stringify([...objectKey, "(combined)"]);
      }
      this.trim(this.similar);
    }
    let rec = this.recorded.get(key);
    if (rec) this.recorded.delete(key);
    else rec = { namespace: m.namespace || "default", count: 0, firstTimestamp: seconds(now), tail: Promise.resolve() };
    this.recorded.set(key, rec);
    this.trim(this.recorded);
    const entry = rec;
    entry.count++;
    // Refused or dropped events still count: the next write of this Event carries the total.
    if (!this.spam.allow(JSON.stringify(source))) {
      this.counters.filtered++;
      return;
    }
    if (this.pending >= this.maxPending) {
      this.counters.dropped++;
      return;
    }
    this.pending++;
    const count = entry.count;
    entry.tail = entry.tail
      .then(() => this.write(entry, count, { involvedObject, type, reason, message: text }, now))
      .then(() => {
        this.counters.written++;
      })
      .catch(this.onError)
      .finally(() => {
        this.pending--;
      });
  }

  /** Resolves once every event recorded so far has been written (or has failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.recorded.values()].map((r) => r.tail));
  }

  private async write(
    rec: Recorded,
    count: number,
    ev: { involvedObject: Record<string, unknown>; type: string; reason: string; message: string },
    now: number,
  ): Promise<void> {
    const lastTimestamp = seconds(now);
    if (rec.name) {
      try {
        await this.client.patch(EVENTS, rec.namespace, rec.name, { count, lastTimestamp, message: ev.message });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // Deleted (TTL or by hand): record it afresh, keeping the aggregated count.
      }
    }
    const objName = String(ev.involvedObject.name ?? "object");
    const name = `${objName}.${(BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    await this.client.create(EVENTS, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: rec.namespace },
      ...ev,
      source: { component: this.component },
      reportingComponent: this.component,
      firstTimestamp: rec.firstTimestamp,
      lastTimestamp,
      count,
    });
    rec.name = name;
  }

  private trim<V>(map: Map<string, V>): void {
    while (map.size > this.cacheSize) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  }
}
