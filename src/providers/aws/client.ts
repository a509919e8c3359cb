/**
 * The AWS SDK side of the provider, loaded on first use (provider.ts imports it dynamically): SDK clients and
 * credential providers are kept per store and credentials in the provider caches (AWS_SDK_CLIENTS, see
 * client-cache.ts), so a reconcile reuses the client, its connections and any temporary credentials (AssumeRole,
 * IRSA) until they near expiry instead of building a client and calling STS every time.
 */
import type { ACMClient } from "@aws-sdk/client-acm";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { AWSProvider } from "../../api/providers/aws.js";
import type { CacheKey, ProviderCaches, ProviderContext, SecretsClient } from "../provider.js";
import { ArnCache } from "./acm-arn-cache.js";
import { ExportCache } from "./acm-export-cache.js";
import { AwsClientCache } from "./client-cache.js";
import { buildCredentials, type CredentialProvider } from "./kit/credentials.js";
import { type AwsSdkTuning, clientConfig, endpointFor } from "./kit/sdk-options.js";
import { ParameterStoreSecrets } from "./parameterstore.js";
import { SecretsManagerSecrets } from "./secretsmanager.js";
import { sessionTagsFor } from "./session-tags.js";

/** One kept SDK client with the credential provider it signs with. */
class BuiltClient {
  /** ACM exports kept for this store and these credentials (see certificatemanager.ts). */
  readonly exports = new ExportCache();
  /** Certificate ARNs of pushed remote keys (see acm-push.ts). */
  readonly arns = new ArnCache();

  constructor(
    readonly credentials: CredentialProvider,
    readonly sm?: SecretsManagerClient,
    readonly ssm?: SSMClient,
    readonly acm?: ACMClient,
  ) {}

  destroy(): void {
    this.sm?.destroy();
    this.ssm?.destroy();
    this.acm?.destroy();
    this.exports.clear();
    this.arns.clear();
  }
}

const SERVICES = { SecretsManager: "secretsmanager", ParameterStore: "ssm", CertificateManager: "acm" } as const;

export const AWS_SDK_CLIENTS: CacheKey<AwsClientCache<BuiltClient>> = {
  name: "aws-sdk-clients",
  create: () => new AwsClientCache<BuiltClient>(),
  dispose: (clients) => clients.clear(),
};

/** SDK clients kept now and built since the caches were created (for tests and diagnostics). */
export function sdkClientStats(caches: ProviderCaches): { kept: number; built: number } {
  const clients = caches.get(AWS_SDK_CLIENTS);
  return { kept: clients.size, built: clients.builds };
}

/** A client for a validated store spec. */
export async function openAwsSecrets(
  spec: AWSProvider,
  ctx: ProviderContext,
  tuning: AwsSdkTuning,
  field: string,
): Promise<SecretsClient> {
  const region = spec.region;
  const built = await buildCredentials(
    spec.auth,
    {
      role: spec.role,
      additionalRoles: spec.additionalRoles,
      externalID: spec.externalID,
      sessionTags: sessionTagsFor(spec, ctx),
      transitiveTagKeys: spec.transitiveTagKeys,
    },
    region,
    ctx,
    tuning,
    field,
  );
  const service = SERVICES[spec.service] ?? "secretsmanager";
  // Only stores of the CertificateManager service load the ACM SDK.
  const acmSdk = service === "acm" ? await import("@aws-sdk/client-acm") : undefined;
  const acmSecrets = service === "acm" ? await import("./certificatemanager.js") : undefined;
  const identity = JSON.stringify([ctx.storeKind, ctx.storeName, ctx.namespace]);
  const key = AwsClientCache.key(identity, [
    service,
    region,
    endpointFor(service),
    endpointFor("sts"),
    tuning,
    built.fingerprint,
  ]);
  const lease = ctx.caches.get(AWS_SDK_CLIENTS).acquire(identity, key, () => {
    const config = { ...clientConfig(service, region, tuning), credentials: built.provider };
    if (acmSdk) return new BuiltClient(built.provider, undefined, undefined, new acmSdk.ACMClient(config));
    return service === "ssm"
      ? new BuiltClient(built.provider, undefined, new SSMClient(config))
      : new BuiltClient(built.provider, new SecretsManagerClient(config));
  });
  const { credentials, sm, ssm, acm, exports, arns } = lease.client;
  const prefix = spec.prefix ?? "";
  if (acm && acmSecrets) {
    const push = { region, prefix, tuning };
    return new acmSecrets.CertificateManagerSecrets(acm, credentials, exports, arns, push, lease.release);
  }
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
