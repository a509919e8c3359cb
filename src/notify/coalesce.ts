/**
 * Per-ExternalSecret coalescing of notification-triggered refreshes: the first notification for an object opens
 * a window, every notification for it inside the window joins, and one refresh runs when the window closes. A
 * refresh reads the provider after the last joined notification, so none is lost, and a caller repeating one
 * notification cannot make an object refresh more than once per window.
 */
import { type Clock, realClock, type TimerHandle } from "../runtime/clock.js";

/** Default coalescing window (--notify-coalesce-window). */
export const DEFAULT_COALESCE_WINDOW_MS = 1_000;

export class RefreshCoalescer {
  private readonly pending = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    private readonly windowMs: number,
    private readonly refresh: (id: string) => void,
    private readonly clock: Clock = realClock,
  ) {}

  /** Asks for a refresh of `id`; it runs once at the end of the current window (a window of 0: at once). */
  request(id: string): void {
    if (this.stopped || this.pending.has(id)) return;
    if (this.windowMs <= 0) {
      this.refresh(id);
      return;
    }
    this.pending.set(
      id,
      this.clock.setTimer(() => {
        this.pending.delete(id);
        if (!this.stopped) this.refresh(id);
      }, this.windowMs),
    );
  }

  /** Objects with a refresh waiting for its window to close. */
  waiting(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending.values()) t.cancel();
    this.pending.clear();
  }
}
