/** The one polling helper for tests: wait for something to become true (or present) and get it back. */

export interface PollOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 20 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message (a function when it should be computed at the time of failure). */
  what?: string | (() => string);
}

/** What a truthy result can be: `T` without its falsy members. */
export type Truthy<T> = Exclude<T, false | "" | 0 | 0n | null | undefined>;

/**
 * Calls `fn` until it returns a truthy value and returns that value. A throw counts as "not yet". After
 * `timeoutMs` it fails with `what`, the last value and the last error.
 */
export async function eventually<T>(fn: () => T | Promise<T>, opts: PollOptions = {}): Promise<Truthy<T>> {
  const { timeoutMs = 15_000, intervalMs = 20, what = "condition" } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as Truthy<T>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastErr instanceof Error ? lastErr.message : lastErr === undefined ? "" : String(lastErr);
      const label = typeof what === "string" ? what : what();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${label}; last value: ${describe(last)}${detail ? `; last error: ${detail}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
