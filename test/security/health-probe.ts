/** A /healthz prober for attack tests: a blocked event loop shows up as late (or failed) probes. */

export const PROBE_EVERY_MS = 100;

/** Asks `url` every 100 ms; a probe's delay counts from when it was due. A failed probe counts as infinitely late. */
export class HealthProbe {
  readonly delaysMs: number[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly url: string) {}

  start(): void {
    this.schedule(performance.now() + PROBE_EVERY_MS);
  }

  private schedule(due: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        const p = this.probe(due).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
        this.schedule(Math.max(due + PROBE_EVERY_MS, performance.now()));
      },
      Math.max(0, due - performance.now()),
    );
  }

  private async probe(due: number): Promise<void> {
    try {
      const res = await fetch(this.url);
      await res.text();
      this.delaysMs.push(res.status === 200 ? performance.now() - due : Number.POSITIVE_INFINITY);
    } catch {
      this.delaysMs.push(Number.POSITIVE_INFINITY);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.inFlight);
  }
}
