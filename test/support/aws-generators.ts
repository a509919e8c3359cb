/**
 * What the AWS generator unit tests share: the loopback AWS fake started around a test file with the endpoint
 * overrides pointing at it, the static-keys spec.auth, fast SDK settings, and catching an expected failure.
 */
import { after, afterEach, before } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import type { AwsService } from "../../src/providers/aws/kit/sdk-options.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { FakeAws } from "../fakes/aws-server.js";
import type { MemoryKubeAccess } from "./memory-kube-access.js";

/** spec.auth reading the access key pair from the Secret "aws-creds" (keys "id" and "secret"). */
export const staticKeysAuth = {
  secretRef: {
    accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
    secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
  },
};

/** Two attempts, 5 ms back-off and the given per-attempt timeout. */
export const fastTuning = (timeoutMs: number) => ({
  maxAttempts: 2,
  retryBaseMs: 5,
  requestTimeoutMs: timeoutMs,
  connectionTimeoutMs: timeoutMs,
});

export interface FakeAwsSetup {
  region: string;
  accessKey: { id: string; secret: string };
  /** The services whose endpoint override points at the fake while the file runs. */
  services: AwsService[];
  /** Accept web identity tokens this kube issued for the STS audience (IRSA). */
  irsaFrom?: MemoryKubeAccess;
  /** The action a test may have denied, allowed again after each test. */
  reallow?: string;
  /** Further setup once the fake has started. */
  seed?: (aws: FakeAws) => void;
}

/**
 * A FakeAws started before the file's tests and stopped after them; after each test its faults, denials and
 * request log are cleared and the tenant policy is reset.
 */
export function useFakeAws(setup: FakeAwsSetup): FakeAws {
  const aws = new FakeAws(setup.region);
  before(async () => {
    await aws.start();
    aws.addAccessKey(setup.accessKey.id, setup.accessKey.secret);
    const kube = setup.irsaFrom;
    if (kube) aws.webIdentityCheck = (token) => !!kube.verifyToken(token)?.aud.includes("sts.amazonaws.com");
    setup.seed?.(aws);
    for (const service of setup.services) process.env[ENDPOINT_ENV[service]] = aws.url;
  });
  after(async () => {
    for (const service of setup.services) delete process.env[ENDPOINT_ENV[service]];
    await aws.stop();
  });
  afterEach(() => {
    aws.clearFaults();
    if (setup.reallow) aws.allow(setup.reallow);
    aws.requests.length = 0;
    configureTenantPolicy();
  });
  return aws;
}

/** The error `fn` rejects with; fails the test when it does not reject. */
export async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}
