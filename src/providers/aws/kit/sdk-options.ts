/**
 * Shared SDK client settings: region, retry attempts (the SDK's standard strategy backs off with full
 * jitter), request timeouts, and the endpoint overrides ESO honours through environment variables.
 */

import { JitterRetryStrategy } from "./retry.js";

export interface AwsSdkTuning {
  /** Total attempts per call including the first (exponential backoff with full jitter). Default 3. */
  maxAttempts: number;
  /** Base of the retry backoff, ms. Default 100 (throttling doubles from here too). */
  retryBaseMs: number;
  /** Socket/response timeout per attempt, ms. Default 30 s. */
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
}

export const DEFAULT_TUNING: AwsSdkTuning = {
  maxAttempts: 3,
  retryBaseMs: 100,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 5_000,
};

/** Environment variables ESO reads to point a client at a custom endpoint (VPC endpoints, test servers). */
export const ENDPOINT_ENV = {
  secretsmanager: "AWS_SECRETSMANAGER_ENDPOINT",
  ssm: "AWS_SSM_ENDPOINT",
  acm: "AWS_ACM_ENDPOINT",
  sts: "AWS_STS_ENDPOINT",
  ecr: "AWS_ECR_ENDPOINT",
  ecrpublic: "AWS_ECR_PUBLIC_ENDPOINT",
  codeartifact: "AWS_CODEARTIFACT_ENDPOINT",
} as const;

export type AwsService = keyof typeof ENDPOINT_ENV;

export function endpointFor(service: AwsService): string | undefined {
  const v = process.env[ENDPOINT_ENV[service]];
  return v ? v : undefined;
}

export function clientConfig(service: AwsService, region: string, tuning: AwsSdkTuning) {
  const endpoint = endpointFor(service);
  return {
    region,
    maxAttempts: tuning.maxAttempts,
    retryStrategy: new JitterRetryStrategy(tuning.maxAttempts, tuning.retryBaseMs),
    requestHandler: {
      requestTimeout: tuning.requestTimeoutMs,
      connectionTimeout: tuning.connectionTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(endpoint ? { endpoint } : {}),
  };
}
