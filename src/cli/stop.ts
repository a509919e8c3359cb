/** How the long-running commands learn that they should stop: SIGINT/SIGTERM, or a request of their own. */

/** A long wait ended because a stop was requested; the message is the reason. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

/**
 * Listens for SIGINT and SIGTERM from the moment it is created (so a signal during setup is not lost) until
 * close(); request() stops for another reason, such as a key press. Only the first reason counts.
 */
export class StopRequest {
  /** The signal name ("SIGTERM") or the reason given to request(). */
  readonly reason: Promise<string>;
  private finish: (why: string) => void = () => {};
  private readonly onSignal = (signal: NodeJS.Signals) => this.finish(signal);

  constructor() {
    this.reason = new Promise<string>((resolve) => {
      this.finish = resolve;
    });
    process.on("SIGINT", this.onSignal);
    process.on("SIGTERM", this.onSignal);
  }

  request(why: string): void {
    this.finish(why);
  }

  /** Settles like `p`, or rejects with Interrupted as soon as a stop is requested, so long waits end early. */
  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([
      p,
      this.reason.then((why): never => {
        throw new Interrupted(why);
      }),
    ]);
  }

  close(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }
}

/** Resolves with the signal's name when the process gets SIGTERM or SIGINT; a second signal acts as usual. */
export async function untilSignal(): Promise<string> {
  const stop = new StopRequest();
  try {
    return await stop.reason;
  } finally {
    stop.close();
  }
}
