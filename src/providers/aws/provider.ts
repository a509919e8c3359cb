/** The "aws" provider: Secrets Manager or Parameter Store per spec.provider.aws.service. */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { AWSProvider } from "../../api/providers/aws.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, StoreKind } from "../provider.js";
import { AwsClientCache } from "./client-cache.js";
import { buildCredentials, type CredentialProvider } from "./credentials.js";
import { ParameterStoreSecrets } from "./parameterstore.js";
import { type AwsSdkTuning, clientConfig, DEFAULT_TUNING, endpointFor } from "./sdk-options.js";
import { SecretsManagerSecrets } from "./secretsmanager.js";
import type { AWSProviderSpec } from "./spec.js";

// The CRD type must stay assignable to what this provider reads.
const _schemaFits: (v: AWSProvider) => AWSProviderSpec = (v) => v;
void _schemaFits;

const FIELD = "spec.provider.aws";
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/** One kept SDK client with the credential provider it signs with. */
class BuiltClient {
  constructor(
    readonly credentials: CredentialProvider,
    readonly sm?: SecretsManagerClient,
    readonly ssm?: SSMClient,
  ) {}

  destroy(): void {
    this.sm?.destroy();
    this.ssm?.destroy();
  }
}

/**
 * SDK clients and credential providers are kept per store and credentials (see client-cache.ts), so a
 * reconcile reuses the client, its connections and any temporary credentials (AssumeRole, IRSA) until
 * they near expiry instead of building a client and calling STS every time.
 */
const clients = new AwsClientCache<BuiltClient>();

/** Drops every kept client and credential provider (used when credentials must be resolved afresh). */
export function clearCredentialCache(): void {
  clients.clear();
}

/** SDK clients kept now and built since start (for tests and diagnostics). */
export function cachedClientStats(): { kept: number; built: number } {
  return { kept: clients.size, built: clients.builds };
}

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
    const region = spec.region!;
    const built = await buildCredentials(
      spec.auth,
      {
        role: spec.role,
        additionalRoles: spec.additionalRoles,
        externalID: spec.externalID,
        sessionTags: spec.sessionTags,
        transitiveTagKeys: spec.transitiveTagKeys,
      },
      region,
      ctx,
      this.tuning,
      FIELD,
    );
    const service = spec.service === "ParameterStore" ? "ssm" : "secretsmanager";
    const identity = JSON.stringify([ctx.storeKind, ctx.storeName, ctx.namespace]);
    const key = AwsClientCache.key(identity, [
      service,
      region,
      endpointFor(service),
      endpointFor("sts"),
      this.tuning,
      built.fingerprint,
    ]);
    const lease = clients.acquire(identity, key, () => {
      const config = { ...clientConfig(service, region, this.tuning), credentials: built.provider };
      return service === "ssm"
        ? new BuiltClient(built.provider, undefined, new SSMClient(config))
        : new BuiltClient(built.provider, new SecretsManagerClient(config));
    });
    const { credentials, sm, ssm } = lease.client;
    const prefix = spec.prefix ?? "";
    if (ssm) {
      return new ParameterStoreSecrets(ssm, credentials, prefix, lease.release);
    }
    return new SecretsManagerSecrets(
      sm!,
      credentials,
      {
        prefix,
        forceDeleteWithoutRecovery: spec.secretsManager?.forceDeleteWithoutRecovery,
        recoveryWindowInDays: spec.secretsManager?.recoveryWindowInDays,
      },
      lease.release,
    );
  }
}
