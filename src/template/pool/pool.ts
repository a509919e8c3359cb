/**
 * Renders templates off the main thread, in a small pool of worker threads with a V8 heap limit each, so a
 * runaway template (a loop of bcrypt calls, a string doubled until the heap is full) costs one worker, never the
 * process: a render past its deadline has its worker terminated, a worker out of memory dies alone, and both are
 * replaced on the next render. Workers start on first use and are reused; a render is one message each way.
 * A template that hit a limit lately waits behind the others and never gets the last free worker, so retries of
 * one tenant's bomb cannot keep everyone else's renders waiting.
 */
import { createHash } from "node:crypto";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { memoryLimitMessage, TemplateError, TemplateLimitError, timeoutMessage } from "../errors.js";
import { DEFAULT_LIMITS, type Limits } from "../exec.js";
import type { ReadyMessage, RenderReply, RenderRequest } from "./protocol.js";

export interface TemplatePoolOptions {
  /** Worker threads (default 2). */
  size?: number;
  /** Wall-clock deadline of one render in ms (default 2000). */
  timeoutMs?: number;
  /** Memory budget of one render in bytes (default 64 MiB), see Limits.maxMemoryBytes. */
  memoryLimitBytes?: number;
  /** V8 old-generation limit of a worker in MiB (default the memory budget plus 64). */
  heapLimitMb?: number;
  /** Other executor limits. */
  limits?: Partial<Limits>;
}

export const DEFAULT_TEMPLATE_TIMEOUT_MS = 2_000;
/** How long past its deadline a render may take to stop itself before its worker is terminated. */
const GRACE_MS = 250;
const MiB = 1024 * 1024;
/** How long a template that hit a limit is held back, and how many such templates are remembered. */
const SUSPECT_MS = 5 * 60_000;
const MAX_SUSPECTS = 1024;
const MAX_BOOT_FAILURES = 3;

interface Job {
  req: Omit<RenderRequest, "id">;
  /** Digest of the template text. */
  digest: string;
  /** The template hit a limit lately. */
  suspect: boolean;
  resolve(output: string): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  id?: number;
  timer?: NodeJS.Timeout;
}

function spawnWorker(resourceLimits: ResourceLimits): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    // Running from sources under tsx (unit tests): its loader does not reach worker threads, so register it there.
    const url = JSON.stringify(new URL("./worker.ts", here).href);
    const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${url}); });`;
    return new Worker(boot, { eval: true, resourceLimits, execArgv: [] });
  }
  return new Worker(new URL("./worker.js", here), { resourceLimits, execArgv: [] });
}

export class TemplatePool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly memoryLimitBytes: number;
  private readonly heapLimitMb: number;
  private readonly limits: Partial<Limits>;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  /** Template digest -> when it last hit a limit. */
  private readonly suspects = new Map<string, number>();
  private nextId = 1;
  private closed = false;
  /** Workers in a row that died before they were ready (a broken install must not respawn forever). */
  private bootFailures = 0;
  private lastBootError = "";
  /** Workers started so far (replacements included). */
  spawned = 0;

  constructor(opts: TemplatePoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 2);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TEMPLATE_TIMEOUT_MS;
    this.memoryLimitBytes = opts.memoryLimitBytes ?? DEFAULT_LIMITS.maxMemoryBytes;
    this.heapLimitMb = opts.heapLimitMb ?? Math.ceil(this.memoryLimitBytes / MiB) + 64;
    this.limits = { ...opts.limits, timeoutMs: this.timeoutMs, maxMemoryBytes: this.memoryLimitBytes };
  }

  /** Renders as renderESO does; rejects with TemplateLimitError at the deadline or the memory budget. */
  readonly render = (name: string, text: string, data: Record<string, string>): Promise<string> => {
    if (this.closed) return Promise.reject(new TemplateError("template pool is closed"));
    const digest = createHash("sha256").update(name).update("\0").update(text).digest("base64");
    const since = this.suspects.get(digest);
    const suspect = since !== undefined && Date.now() - since < SUSPECT_MS;
    return new Promise<string>((resolve, reject) => {
      const job: Job = { req: { name, text, data, limits: this.limits }, digest, suspect, resolve, reject };
      this.queue.push(job);
      this.pump();
    });
  };

  /** Live worker threads. */
  get workers(): number {
    return this.slots.size;
  }

  /** Terminates every worker; pending renders are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new TemplateError("template pool is closed"));
    const stopping = [...this.slots].map((s) => {
      this.settle(s, (job) => job.reject(new TemplateError("template pool is closed")));
      return s.worker.terminate();
    });
    this.slots.clear();
    await Promise.all(stopping);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = [...this.slots].find((s) => s.ready && !s.job);
      if (!idle) break;
      const next = this.nextJob();
      if (next < 0) break;
      this.dispatch(idle, this.queue.splice(next, 1)[0]!);
    }
    const booting = [...this.slots].filter((s) => !s.ready).length;
    for (let n = booting; n < this.queue.length && this.slots.size < this.size; n++) this.spawn();
  }

  /** The queued render to start next: the oldest unsuspected one, else a suspect while a worker stays free. */
  private nextJob(): number {
    const clean = this.queue.findIndex((j) => !j.suspect);
    if (clean >= 0) return clean;
    const suspectsRunning = [...this.slots].filter((s) => s.job?.suspect).length;
    return suspectsRunning < Math.max(1, this.size - 1) ? 0 : -1;
  }

  private suspect(job: Job): void {
    this.suspects.delete(job.digest);
    this.suspects.set(job.digest, Date.now());
    if (this.suspects.size > MAX_SUSPECTS) this.suspects.delete(this.suspects.keys().next().value!);
  }

  private spawn(): void {
    const worker = spawnWorker({ maxOldGenerationSizeMb: this.heapLimitMb, maxYoungGenerationSizeMb: 16 });
    this.spawned++;
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot); // held (ref'd) while it boots for a queued render; idle workers never keep a process up
    worker.on("message", (msg: RenderReply | ReadyMessage) => {
      if ("ready" in msg) {
        slot.ready = true;
        this.bootFailures = 0;
        this.pump();
        if (!slot.job) worker.unref();
        return;
      }
      if (msg.id !== slot.id) return;
      this.settle(slot, (job) => {
        if (msg.ok) job.resolve(msg.output);
        else if (msg.limit) {
          this.suspect(job);
          job.reject(new TemplateLimitError(msg.limit, msg.message, msg.safeMessage));
        } else job.reject(new TemplateError(msg.message, msg.safeMessage));
      });
      this.pump();
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (!slot.ready) this.lastBootError = err.message;
      this.settle(slot, (job) => {
        if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
          this.suspect(job);
          const limit = this.memoryLimitBytes || this.heapLimitMb * MiB; // no budget set: the heap limit was hit
          const message = `template: ${job.req.name}: ${memoryLimitMessage(limit)}`;
          job.reject(new TemplateLimitError("memory", message));
        } else {
          job.reject(new TemplateError(`template: ${job.req.name}: template worker failed: ${err.message}`));
        }
      });
    });
    worker.on("exit", () => {
      this.settle(slot, (job) => job.reject(new TemplateError(`template: ${job.req.name}: template worker exited`)));
      this.slots.delete(slot);
      if (!slot.ready && !this.closed && ++this.bootFailures >= MAX_BOOT_FAILURES) {
        this.bootFailures = 0;
        const why = `template worker failed to start: ${this.lastBootError || "it exited"}`;
        for (const job of this.queue.splice(0)) job.reject(new TemplateError(`template: ${job.req.name}: ${why}`));
      }
      if (!this.closed) this.pump();
    });
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.id = this.nextId++;
    slot.worker.ref();
    slot.timer = setTimeout(() => this.expire(slot), this.timeoutMs + GRACE_MS);
    slot.timer.unref();
    slot.worker.postMessage({ id: slot.id, ...job.req } satisfies RenderRequest);
  }

  /** The render is past its deadline and did not stop itself (a long function call): its worker goes. */
  private expire(slot: Slot): void {
    this.settle(slot, (job) => {
      this.suspect(job);
      const message = `template: ${job.req.name}: ${timeoutMessage(this.timeoutMs)}`;
      job.reject(new TemplateLimitError("timeout", message));
    });
    this.slots.delete(slot);
    void slot.worker.terminate();
    this.pump();
  }

  /** Ends the slot's render (if any) with `how` and leaves the slot idle. */
  private settle(slot: Slot, how: (job: Job) => void): void {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = undefined;
    slot.id = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    if (job) how(job);
  }
}
