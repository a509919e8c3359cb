/**
 * The SDK retry strategy used by every AWS client here: the SDK's retry middleware drives it, retrying
 * throttling, transient and 5xx errors with exponential backoff and full jitter, up to maxAttempts.
 */

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

interface RetryErrorInfo {
  errorType: "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";
  retryAfterHint?: Date;
}

export class JitterRetryStrategy {
  readonly mode = "standard";

  constructor(
    private readonly maxAttempts: number,
    private readonly baseDelayMs: number,
    private readonly maxDelayMs = 20_000,
  ) {}

  private token(count: number, delay: number): RetryToken {
    return { getRetryCount: () => count, getRetryDelay: () => delay };
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return this.token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const next = token.getRetryCount() + 1;
    if (info.errorType === "CLIENT_ERROR" || next >= this.maxAttempts) throw new Error("no retry token available");
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (next - 1));
    let delay = Math.random() * ceiling;
    if (info.retryAfterHint)
      delay = Math.max(delay, Math.min(this.maxDelayMs, info.retryAfterHint.getTime() - Date.now()));
    return this.token(next, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}
