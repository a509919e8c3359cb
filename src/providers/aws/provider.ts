/** The "aws" provider: Secrets Manager, Parameter Store or Certificate Manager per spec.provider.aws.service. */
import { type AWSProvider, AWSServiceValues } from "../../api/providers/aws.js";
import { StoreConfigError } from "../errors.js";
import type { Provider, StoreKind } from "../provider.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "./kit/sdk-options.js";
import { BUILT_IN_TAG_KEYS, sessionTagsFor } from "./session-tags.js";

const FIELD = "spec.provider.aws";
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function specErrors(spec: AWSProvider, storeKind: StoreKind): string[] {
  const errs: string[] = [];
  if (!AWSServiceValues.includes(spec?.service)) {
    errs.push(`${FIELD}.service: must be one of ${AWSServiceValues.join(", ")}`);
  }
  if (!spec?.region) errs.push(`${FIELD}.region: is required`);
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

function specWarnings(spec: AWSProvider): string[] {
  const warns: string[] = [];
  // Upstream accepts any string here; STS is the judge, so a malformed role only warns.
  for (const [i, r] of (spec?.additionalRoles ?? []).entries()) {
    if (!ROLE_ARN.test(r))
      warns.push(`${FIELD}.additionalRoles[${i}]: is not an IAM role ARN; sts:AssumeRole will refuse it`);
  }
  if (spec?.role && !ROLE_ARN.test(spec.role)) {
    warns.push(`${FIELD}.role: is not an IAM role ARN; sts:AssumeRole will refuse it`);
  }
  const policy = spec?.sessionTagsPolicy ?? "None";
  if (policy !== "None" && !spec?.role) {
    warns.push(`${FIELD}.sessionTagsPolicy: session tags are sent only when assuming ${FIELD}.role, which is unset`);
  }
  if (spec?.customSessionTags && Object.keys(spec.customSessionTags).length && policy !== "Custom") {
    warns.push(`${FIELD}.customSessionTags: ignored unless sessionTagsPolicy is Custom`);
  }
  if (policy === "Custom") {
    for (const key of Object.keys(spec.customSessionTags ?? {})) {
      if ((BUILT_IN_TAG_KEYS as readonly string[]).includes(key)) {
        warns.push(`${FIELD}.customSessionTags.${key}: a built-in session tag, which cannot be overridden`);
      }
    }
  }
  const tagKeys = new Set(
    sessionTagsFor(spec ?? {}, { namespace: "", storeName: "", storeKind: "SecretStore" }).map((t) => t.key),
  );
  for (const [i, key] of (spec?.transitiveTagKeys ?? []).entries()) {
    if (!tagKeys.has(key)) {
      warns.push(`${FIELD}.transitiveTagKeys[${i}]: ${key} is not a session tag of this store; STS refuses it`);
    }
  }
  return warns;
}

/** The provider with the given SDK settings (the registered one uses the defaults). */
export function newAwsProvider(tuning: Partial<AwsSdkTuning> = {}): Provider<AWSProvider> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    name: "aws",
    capabilities: () => "ReadWrite",
    validate: (spec, storeKind) => ({ errors: specErrors(spec, storeKind), warnings: specWarnings(spec) }),
    async newClient(spec, ctx) {
      const errs = specErrors(spec, ctx.storeKind);
      if (errs.length) throw new StoreConfigError(errs.join("; "));
      // The SDK clients (and the credential chain) are loaded on first use: stores of other providers never pay
      // for them.
      const { openAwsSecrets } = await import("./client.js");
      return openAwsSecrets(spec, ctx, settings, FIELD);
    },
  };
}

export const awsProvider = newAwsProvider();
