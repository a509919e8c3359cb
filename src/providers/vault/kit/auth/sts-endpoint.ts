/** Which STS endpoint the IAM login's signed GetCallerIdentity request names, per auth.iam.stsEndpointPolicy. */
import type { VaultIAMSTSEndpointPolicyValues } from "../../../../api/providers/vault.js";
import { endpointFor } from "../../../aws/kit/sdk-options.js";

export type StsEndpointPolicy = (typeof VaultIAMSTSEndpointPolicyValues)[number];

/** Regions the global endpoint (sts.amazonaws.com) serves: those enabled by default before opt-in regions (2019). */
const GLOBAL_ENDPOINT_REGIONS = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "sa-east-1",
]);

export interface StsTarget {
  url: URL;
  /** The SigV4 credential scope's region. */
  signingRegion: string;
}

export function stsTarget(region: string, policy: StsEndpointPolicy = "Legacy"): StsTarget {
  const override = endpointFor("sts");
  if (override) return { url: new URL(override), signingRegion: region };
  if (policy === "Legacy" && GLOBAL_ENDPOINT_REGIONS.has(region)) {
    return { url: new URL("https://sts.amazonaws.com/"), signingRegion: "us-east-1" };
  }
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return { url: new URL(`https://sts.${region}.${suffix}/`), signingRegion: region };
}
