/** The "aws" provider: Secrets Manager or Parameter Store per spec.provider.aws.service. */
import type { AWSProvider } from "../../api/providers/aws.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, StoreKind } from "../provider.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "./sdk-options.js";
import type { AWSProviderSpec } from "./spec.js";

// The CRD type must stay assignable to what this provider reads.
const _schemaFits: (v: AWSProvider) => AWSProviderSpec = (v) => v;
void _schemaFits;

const FIELD = "spec.provider.aws";
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

export class AwsSecretsProvider implements Provider<AWSProviderSpec> {
  readonly name = "aws";
  private readonly tuning: AwsSdkTuning;

  constructor(tuning: Partial<AwsSdkTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
  }

  capabilities(): Capabilities {
    return "ReadWrite";
  }

  validateSpec(spec: AWSProviderSpec, storeKind: StoreKind): string[] {
    const errs: string[] = [];
    if (spec?.service !== "SecretsManager" && spec?.service !== "ParameterStore") {
      errs.push(`${FIELD}.service: must be SecretsManager or ParameterStore`);
    }
    if (!spec?.region) errs.push(`${FIELD}.region: is required`);
    for (const [i, r] of (spec?.additionalRoles ?? []).entries()) {
      if (!ROLE_ARN.test(r)) errs.push(`${FIELD}.additionalRoles[${i}]: is not an IAM role ARN`);
    }
    if (spec?.role && !ROLE_ARN.test(spec.role)) errs.push(`${FIELD}.role: is not an IAM role ARN`);
    const sr = spec?.auth?.secretRef;
    if (sr && (!sr.accessKeyIDSecretRef || !sr.secretAccessKeySecretRef)) {
      errs.push(`${FIELD}.auth.secretRef: accessKeyIDSecretRef and secretAccessKeySecretRef are required`);
    }
    if (storeKind === "SecretStore") {
      for (const [name, ref] of Object.entries(sr ?? {})) {
        if (ref?.namespace) errs.push(`${FIELD}.auth.secretRef.${name}.namespace: must be empty for a SecretStore`);
      }
      if (spec?.auth?.jwt?.serviceAccountRef?.namespace) {
        errs.push(`${FIELD}.auth.jwt.serviceAccountRef.namespace: must be empty for a SecretStore`);
      }
    }
    const sm = spec?.secretsManager;
    if (sm?.forceDeleteWithoutRecovery && sm.recoveryWindowInDays) {
      errs.push(`${FIELD}.secretsManager: forceDeleteWithoutRecovery and recoveryWindowInDays are mutually exclusive`);
    }
    if (sm?.recoveryWindowInDays && (sm.recoveryWindowInDays < 7 || sm.recoveryWindowInDays > 30)) {
      errs.push(`${FIELD}.secretsManager.recoveryWindowInDays: must be between 7 and 30`);
    }
    return errs;
  }

  async newClient(spec: AWSProviderSpec, ctx: ProviderContext): Promise<SecretsClient> {
    const errs = this.validateSpec(spec, ctx.storeKind);
    if (errs.length) throw new StoreConfigError(errs.join("; "));
    // The SDK clients (and the credential chain) are loaded on first use: stores of other providers never pay
    // for them.
    const { openAwsSecrets } = await import("./clients.js");
    return openAwsSecrets(spec, ctx, this.tuning, FIELD);
  }
}
