/**
 * The AWS generators' shared failure mapping (src/generators/aws-kit/failure.ts): which spec field an error
 * names for timeouts, refusals, the generator's own codes and the rest, and that secrets never reach the
 * message, with the per-generator choices (ECR keeps a message a short secret was seen in; STSAssumeRoleToken
 * does not mark a cut message) that keep each kind's messages as they were.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type AwsFailureContext, awsFailure, endpointFieldFor } from "../../src/generators/aws-kit/failure.js";
import { GeneratorError } from "../../src/generators/generator.js";

const SECRET = "wJalrXUtnFEMI-secret-key";
const base: AwsFailureContext = {
  operation: "sts:AssumeRole",
  endpointField: endpointFieldFor("eu-west-1"),
  refusedField: "spec.role",
  requestTimeoutMs: 400,
  secrets: [SECRET, undefined],
};
const awsError = (name: string, message: string, httpStatusCode?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

describe("AWS generator failures", () => {
  test("a timeout names the endpoint field and the per-attempt limit", () => {
    const err = awsFailure(awsError("TimeoutError", "socket hang up"), base);
    assert.equal(
      err.message,
      'spec.region "eu-west-1": sts:AssumeRole timed out (no answer within 400 ms per attempt)',
    );
  });

  test("a refusal names the identity field, keeps AWS's message without the secret key, and adds the hint", () => {
    const err = awsFailure(awsError("AccessDenied", `not allowed for key ${SECRET}`, 403), {
      ...base,
      refusalHint: " (hint)",
    });
    assert.equal(
      err.message,
      "spec.role: sts:AssumeRole was refused: AccessDenied (HTTP 403): not allowed for key [redacted] (hint)",
    );
    const byMessage = awsFailure(awsError("AccessDenied", "MFA failed"), {
      ...base,
      refusedField: (m) => (/mfa/i.test(m) ? "spec.requestParameters.tokenCode" : "spec.auth"),
    });
    assert.match(byMessage.message, /^spec\.requestParameters\.tokenCode: /);
  });

  test("the generator's own verdict names its field; other codes name the endpoint", () => {
    const ctx = {
      ...base,
      classify: (code: string) =>
        code === "ValidationError" ? { field: "spec.requestParameters", outcome: "rejected the request" } : undefined,
    };
    assert.equal(
      awsFailure(awsError("ValidationError", "bad duration", 400), ctx).message,
      "spec.requestParameters: sts:AssumeRole rejected the request: ValidationError (HTTP 400): bad duration",
    );
    assert.equal(
      awsFailure(awsError("InternalFailure", "InternalFailure", 500), ctx).message,
      'spec.region "eu-west-1": sts:AssumeRole failed: InternalFailure (HTTP 500)',
    );
  });

  test("a long message is cut at 200 characters, marked with ... unless the generator opts out", () => {
    const long = "x".repeat(300);
    const marked = awsFailure(awsError("Oops", long), base).message;
    assert.ok(marked.endsWith(`: ${"x".repeat(200)}...`), marked.slice(-20));
    const unmarked = awsFailure(awsError("Oops", long), { ...base, markCut: false }).message;
    assert.ok(unmarked.endsWith(`: ${"x".repeat(200)}`), unmarked.slice(-20));
  });

  test("a secret too short to cut safely drops AWS's message, unless the generator keeps it", () => {
    const ctx = { ...base, secrets: [SECRET, "042"] };
    assert.equal(awsFailure(awsError("Oops", "code 042 was wrong"), ctx).message.endsWith("failed: Oops"), true);
    const kept = awsFailure(awsError("Oops", "code 042 was wrong"), { ...ctx, keepMessageWithShortSecret: true });
    assert.match(kept.message, /failed: Oops: code 042 was wrong$/);
  });

  test("a GeneratorError passes through unchanged", () => {
    const own = new GeneratorError("sts:AssumeRole returned no credentials");
    assert.equal(awsFailure(own, base), own);
  });
});
