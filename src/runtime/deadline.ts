/**
 * The per-reconcile deadline: one signal that aborts when the reconcile's own signal does or when the deadline
 * passes, and a race that gives up on a promise the moment that signal aborts. The race is what releases the
 * worker at once even when a provider's client ignores the signal (an SDK without abort support, a shared read
 * started by another reconcile); the signal is what closes the in-flight connection where the client honours it.
 */
import { formatDuration } from "../api/duration.js";

/** Default --reconcile-timeout. */
export const DEFAULT_RECONCILE_TIMEOUT_MS = 30_000;

export class DeadlineExceededError extends Error {
  override readonly name = "DeadlineExceededError";
  constructor(readonly timeoutMs: number) {
    super(`provider call exceeded the reconcile deadline of ${formatDuration(timeoutMs)}`);
  }
}

export interface Deadline {
  signal: AbortSignal;
  /** Epoch ms at which the deadline fires. */
  at: number;
  timeoutMs: number;
  /** Stops the timer (call when the guarded work is over). */
  clear(): void;
}

/** A signal aborted by `parent` or, with a DeadlineExceededError, after `timeoutMs` (0 or less: parent only). */
export function startDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const own = new AbortController();
  const forward = () => own.abort(parent?.reason);
  if (parent?.aborted) forward();
  else parent?.addEventListener("abort", forward, { once: true });
  const bounded = timeoutMs > 0 && Number.isFinite(timeoutMs);
  const timer = bounded ? setTimeout(() => own.abort(new DeadlineExceededError(timeoutMs)), timeoutMs) : undefined;
  timer?.unref?.();
  return {
    signal: own.signal,
    at: bounded ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY,
    timeoutMs,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", forward);
    },
  };
}

/** `work`, or a rejection with the signal's reason as soon as `signal` aborts, whichever comes first. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {}); // the abandoned work may still fail later: nobody is listening then
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        // A client that honoured the deadline fails with a transport error; report the deadline instead.
        reject(signal.reason instanceof DeadlineExceededError ? signal.reason : err);
      },
    );
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("aborted");
}

/** A provider timeout capped by the time left until `deadlineAt` (never below 1 ms). */
export function capTimeout(timeoutMs: number, deadlineAt: number | undefined, now = Date.now()): number {
  if (deadlineAt === undefined || !Number.isFinite(deadlineAt)) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, deadlineAt - now));
}
