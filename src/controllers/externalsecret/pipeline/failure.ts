/** A sync that failed at one step: `summary` says which (as upstream's messages do), `retry` whether to back off and retry. */
export class SyncFailure extends Error {
  override readonly name = "SyncFailure";
  constructor(
    readonly summary: string,
    readonly underlying: Error,
    readonly retry: boolean,
  ) {
    super(`${summary}: ${underlying.message}`);
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Any error of a sync as a SyncFailure (unclassified ones are retried). */
export function asSyncFailure(err: unknown): SyncFailure {
  return err instanceof SyncFailure ? err : new SyncFailure("could not update secret", asError(err), true);
}
