/**
 * Turns a failed GetSessionToken into a GeneratorError naming the spec field to fix (the AWS generators' shared
 * mapping, with the MFA code also cut out and the request parameters named where AWS's message points at them).
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { awsFailure, endpointFieldFor } from "../aws-kit/failure.js";
import type { GeneratorError } from "../generator.js";

export interface StsFailureContext {
  region: string;
  /** spec.role when set, else spec.auth. */
  identityField: string;
  requestTimeoutMs: number;
  identity?: AwsIdentity;
  tokenCode?: string;
  serialNumber?: string;
}

function invalidParameterField(message: string): string {
  if (/duration/i.test(message)) return "spec.requestParameters.sessionDuration";
  if (/serial/i.test(message)) return "spec.requestParameters.serialNumber";
  if (/token ?code/i.test(message)) return "spec.requestParameters.tokenCode";
  return "spec.requestParameters";
}

export function stsFailure(err: unknown, f: StsFailureContext): GeneratorError {
  return awsFailure(err, {
    operation: "sts:GetSessionToken",
    endpointField: endpointFieldFor(f.region),
    // The MFA fields when AWS says the MFA check failed, else the identity.
    refusedField: (message) =>
      f.serialNumber && /multifactor|mfa/i.test(message) ? "spec.requestParameters.tokenCode" : f.identityField,
    refusalHint: f.identity?.sessionToken
      ? " (GetSessionToken takes an IAM user's long-term access keys, not temporary credentials)"
      : "",
    requestTimeoutMs: f.requestTimeoutMs,
    secrets: [f.identity?.secretAccessKey, f.identity?.sessionToken, f.tokenCode],
    classify: (code, message) =>
      code === "ValidationError" || code === "InvalidParameterValue"
        ? { field: invalidParameterField(message), outcome: "rejected the request" }
        : undefined,
  });
}
