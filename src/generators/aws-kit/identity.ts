/**
 * The AWS identity a generator signs with: spec.auth (static keys, IRSA, the default chain) plus, when given,
 * spec.role assumed on top, through the AWS provider kit's credential code.
 */
import type { AWSAuth } from "../../api/providers/aws.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import type { AwsSdkTuning } from "../../providers/aws/kit/sdk-options.js";
import { type GeneratorContext, GeneratorError } from "../generator.js";

export interface IdentityRequest {
  auth?: AWSAuth;
  /** A role the kit assumes on top of spec.auth. */
  role?: string;
  region: string;
  /**
   * The spec field a failure to obtain credentials is reported under (default: spec.role when a role is given,
   * else spec.auth); false passes the kit's error on as it is.
   */
  failureField?: string | false;
}

/** spec.role when set (the identity is the assumed role), else spec.auth. */
export const identityField = (role: string | undefined) => (role ? "spec.role" : "spec.auth");

export async function generatorIdentity(
  req: IdentityRequest,
  ctx: GeneratorContext,
  settings: AwsSdkTuning,
): Promise<AwsIdentity> {
  // The AWS SDK (credential chain) is loaded on first use, not by every controller start.
  const { buildCredentials } = await import("../../providers/aws/kit/credentials.js");
  const { provider } = await buildCredentials(
    req.auth,
    req.role ? { role: req.role } : {},
    req.region,
    { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
    settings,
    "spec",
  );
  if (req.failureField === false) return provider();
  try {
    return await provider();
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    // Assuming a role (or the web identity) failed before the generator's own call; the kit's message names it.
    throw new GeneratorError(`${req.failureField ?? identityField(req.role)}: ${(err as Error).message}`);
  }
}
