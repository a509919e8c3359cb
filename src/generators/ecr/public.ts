/**
 * ECR Public's GetAuthorizationToken over its JSON 1.1 API (there is no ECR Public SDK client among our
 * dependencies): SigV4-signed POST, each attempt bounded by the shared request timeout and the caller's
 * abort signal, retried on throttling, 5xx, timeouts and network errors by the shared jitter strategy.
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { JitterRetryStrategy } from "../../providers/aws/kit/retry.js";
import type { AwsSdkTuning } from "../../providers/aws/kit/sdk-options.js";
import { signRequest } from "../../providers/aws/kit/sigv4.js";
import { boundedJson, ResponseTooLargeError } from "../../providers/util/bounded-body.js";
import { realClock, sleep } from "../../runtime/clock.js";

/** ECR Public's API lives in us-east-1 only. */
export const PUBLIC_REGION = "us-east-1";
const TARGET = "SpencerFrontendService.GetAuthorizationToken";
const THROTTLE_CODES = new Set(["ThrottlingException", "TooManyRequestsException", "Throttling"]);
/** The answer is a token of a few KiB; the endpoint can be overridden, so its size is capped. */
const PUBLIC_MAX_BYTES = 1024 * 1024;

export interface PublicAuthorizationData {
  authorizationToken?: string;
  expiresAt?: number;
}

/** A failed attempt, shaped like an SDK service error so one mapping describes both ECR flavours. */
class PublicCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode?: number } = {},
  ) {
    super(message);
  }
}

type ErrorType = "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";

function errorType(err: PublicCallError): ErrorType {
  const status = err.$metadata.httpStatusCode;
  if (err.name === "TimeoutError" || err.name === "NetworkError") return "TRANSIENT";
  if (THROTTLE_CODES.has(err.name) || status === 429) return "THROTTLING";
  if (status !== undefined && status >= 500) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

async function attempt(
  url: URL,
  identity: AwsIdentity,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<PublicAuthorizationData> {
  const body = "{}";
  const headers = signRequest(
    {
      method: "POST",
      url,
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET },
      body,
    },
    identity,
    PUBLIC_REGION,
    "ecr-public",
  );
  delete headers.Host;
  const timeout = AbortSignal.timeout(tuning.requestTimeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  let json: Record<string, any>;
  try {
    res = await fetch(url, { method: "POST", headers, body, signal: combined });
    json = (await boundedJson(res, PUBLIC_MAX_BYTES, "ecr-public response").catch((err: unknown) => {
      if (combined.aborted || err instanceof ResponseTooLargeError) throw err;
      return {};
    })) as Record<string, any>;
  } catch (err) {
    if (err instanceof ResponseTooLargeError) throw err;
    if (signal?.aborted) throw signal.reason ?? err;
    if (timeout.aborted) throw new PublicCallError("TimeoutError", "request timed out");
    const cause = (err as { cause?: { code?: string } })?.cause?.code;
    throw new PublicCallError("NetworkError", cause ? `connection failed (${cause})` : "connection failed");
  }
  if (!res.ok) {
    const code =
      String(json.__type ?? "")
        .split("#")
        .pop() || "Error";
    throw new PublicCallError(code, String(json.message ?? json.Message ?? ""), { httpStatusCode: res.status });
  }
  return (json.authorizationData ?? {}) as PublicAuthorizationData;
}

/** Calls GetAuthorizationToken on `endpoint`, retrying what the SDK would retry. */
export async function publicAuthorizationData(
  endpoint: string,
  identity: AwsIdentity,
  tuning: AwsSdkTuning,
  signal?: AbortSignal,
): Promise<PublicAuthorizationData> {
  const url = new URL(endpoint);
  const strategy = new JitterRetryStrategy(tuning.maxAttempts, tuning.retryBaseMs);
  let token = await strategy.acquireInitialRetryToken("ecr-public");
  for (;;) {
    try {
      return await attempt(url, identity, tuning, signal);
    } catch (err) {
      if (!(err instanceof PublicCallError)) throw err;
      try {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType: errorType(err) });
      } catch {
        throw err;
      }
      await sleep(realClock, token.getRetryDelay(), signal);
    }
  }
}
