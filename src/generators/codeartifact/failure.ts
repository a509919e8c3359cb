/**
 * Turns a failed GetAuthorizationToken into a GeneratorError naming the spec field to fix (the AWS generators'
 * shared mapping, plus the domain fields for a missing domain).
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { awsFailure, endpointFieldFor } from "../aws-kit/failure.js";
import type { GeneratorError } from "../generator.js";

export interface CodeArtifactFailureContext {
  region: string;
  /** spec.role when set, else spec.auth. */
  identityField: string;
  requestTimeoutMs: number;
  identity?: AwsIdentity;
}

export function codeArtifactFailure(err: unknown, f: CodeArtifactFailureContext): GeneratorError {
  return awsFailure(err, {
    operation: "codeartifact:GetAuthorizationToken",
    endpointField: endpointFieldFor(f.region),
    refusedField: f.identityField,
    requestTimeoutMs: f.requestTimeoutMs,
    secrets: [f.identity?.secretAccessKey, f.identity?.sessionToken],
    classify: (code, message) => {
      if (code === "ResourceNotFoundException") {
        return { field: "spec.domain/spec.domainOwner", outcome: "found no such domain" };
      }
      if (code === "ValidationException") {
        return { field: /duration/i.test(message) ? "spec.durationSeconds" : "spec", outcome: "rejected the request" };
      }
      return undefined;
    },
  });
}
