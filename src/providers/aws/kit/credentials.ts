/**
 * AWS credentials for a store, as ESO builds them: IRSA web identity from a ServiceAccount token
 * (TokenRequest, audience sts.amazonaws.com or the SA's eks.amazonaws.com/audience annotation), static keys
 * from secretRef, or the SDK default chain; then every additionalRoles entry and finally `role` assumed in
 * turn (externalID, sessionTags, transitiveTagKeys). Temporary credentials are reused until near expiry.
 */
import { createHash } from "node:crypto";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { AWSAuth } from "../../../api/providers/aws.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope, KubeAccess, ValidationResult } from "../../provider.js";
import { refNamespace, resolveSecretKeyString, serviceAccountToken } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import { mapAwsError } from "./errors.js";
import { type AwsSdkTuning, clientConfig } from "./sdk-options.js";

export interface AwsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialProvider = () => Promise<AwsIdentity>;

export interface RoleChain {
  role?: string;
  additionalRoles?: string[];
  externalID?: string;
  sessionTags?: { key: string; value: string }[];
  transitiveTagKeys?: string[];
}

const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
const AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience";
const DEFAULT_AUDIENCE = "sts.amazonaws.com";
const SESSION_NAME = "external-secrets-provider-aws";
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Caches a provider's result until five minutes before the credentials expire. */
export function memoize(provider: CredentialProvider): CredentialProvider {
  let cached: AwsIdentity | undefined;
  let inflight: Promise<AwsIdentity> | undefined;
  return async () => {
    if (cached && (!cached.expiration || cached.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS)) return cached;
    inflight ??= provider().then(
      (c) => {
        cached = c;
        inflight = undefined;
        return c;
      },
      (e) => {
        inflight = undefined;
        throw e;
      },
    );
    return inflight;
  };
}

function fromSts(
  c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
  what: string,
): AwsIdentity {
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`aws: ${what} returned no credentials`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

function stsClient(region: string, tuning: AwsSdkTuning, credentials?: CredentialProvider): STSClient {
  return new STSClient({ ...clientConfig("sts", region, tuning), ...(credentials ? { credentials } : {}) });
}

/** The base identity from auth (before role assumption). Returns a fingerprint of static material too. */
async function baseCredentials(
  auth: AWSAuth | undefined,
  chain: RoleChain,
  region: string,
  ctx: CredentialScope,
  tuning: AwsSdkTuning,
  field: string,
): Promise<{ provider: CredentialProvider; fingerprint: string; consumedRole: boolean }> {
  if (auth?.jwt) {
    const ref = auth.jwt.serviceAccountRef;
    if (!ref?.name) throw new StoreConfigError(`${field}.auth.jwt.serviceAccountRef.name: is required`);
    const ns = refNamespace(ctx, ref, `${field}.auth.jwt.serviceAccountRef`);
    const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, ref.name)) ?? {};
    const annotated = annotations[ROLE_ARN_ANNOTATION];
    const roleArn = annotated || chain.role;
    if (!roleArn) {
      throw new StoreConfigError(
        `${field}.auth.jwt: an IAM role must be associated with service account ${ns}/${ref.name} (annotation ${ROLE_ARN_ANNOTATION}) or set in ${field}.role`,
      );
    }
    const audiences = [annotations[AUDIENCE_ANNOTATION] || DEFAULT_AUDIENCE, ...(ref.audiences ?? [])];
    const provider: CredentialProvider = async () => {
      const token = await serviceAccountToken(
        ctx,
        { name: ref.name, namespace: ns },
        audiences,
        `${field}.auth.jwt.serviceAccountRef`,
      );
      try {
        const out = await stsClient(region, tuning).send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: SESSION_NAME,
            WebIdentityToken: token,
          }),
        );
        return fromSts(out.Credentials, "AssumeRoleWithWebIdentity");
      } catch (err) {
        throw mapAwsError(err, `sts:AssumeRoleWithWebIdentity ${roleArn}`);
      }
    };
    return { provider, fingerprint: `irsa:${ns}/${ref.name}:${roleArn}`, consumedRole: !annotated };
  }
  if (auth?.secretRef) {
    const s = auth.secretRef;
    const f = `${field}.auth.secretRef`;
    if (!s.accessKeyIDSecretRef) throw new StoreConfigError(`${f}.accessKeyIDSecretRef: is required`);
    if (!s.secretAccessKeySecretRef) throw new StoreConfigError(`${f}.secretAccessKeySecretRef: is required`);
    const accessKeyId = await resolveSecretKeyString(ctx, s.accessKeyIDSecretRef, `${f}.accessKeyIDSecretRef`);
    const secretAccessKey = await resolveSecretKeyString(
      ctx,
      s.secretAccessKeySecretRef,
      `${f}.secretAccessKeySecretRef`,
    );
    const sessionToken = s.sessionTokenSecretRef
      ? await resolveSecretKeyString(ctx, s.sessionTokenSecretRef, `${f}.sessionTokenSecretRef`)
      : undefined;
    const identity: AwsIdentity = { accessKeyId, secretAccessKey, sessionToken };
    return {
      provider: async () => identity,
      fingerprint: `static:${accessKeyId}:${secretAccessKey}:${sessionToken ?? ""}`,
      consumedRole: false,
    };
  }
  refuseAmbientCredentials(
    ctx,
    `${field}.auth`,
    "AWS identity (default credential chain)",
    "auth.secretRef or auth.jwt",
  );
  const chainProvider = fromNodeProviderChain();
  return {
    provider: async () => {
      try {
        const c = await chainProvider();
        return {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: c.expiration,
        };
      } catch (err) {
        throw mapAwsError(err, "default credential chain");
      }
    },
    fingerprint: "default-chain",
    consumedRole: false,
  };
}

function assume(
  source: CredentialProvider,
  roleArn: string,
  region: string,
  tuning: AwsSdkTuning,
  opts: { externalID?: string; tags?: { key: string; value: string }[]; transitive?: string[] },
): CredentialProvider {
  return memoize(async () => {
    try {
      const out = await stsClient(region, tuning, source).send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: SESSION_NAME,
          ...(opts.externalID ? { ExternalId: opts.externalID } : {}),
          ...(opts.tags?.length ? { Tags: opts.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
          ...(opts.tags?.length && opts.transitive?.length ? { TransitiveTagKeys: opts.transitive } : {}),
        }),
      );
      return fromSts(out.Credentials, "AssumeRole");
    } catch (err) {
      throw mapAwsError(err, `sts:AssumeRole ${roleArn}`);
    }
  });
}

/**
 * A view of `kube` that reads each Secret once: the access key id and the secret key usually live in one
 * Secret, and reading it twice per reconcile doubled the API-server reads of the AWS bench.
 */
function readSecretsOnce(kube: KubeAccess): KubeAccess {
  const secrets = new Map<string, ReturnType<KubeAccess["getSecret"]>>();
  return {
    getSecret: (namespace, name) => {
      const key = `${namespace}/${name}`;
      let read = secrets.get(key);
      if (!read) {
        read = kube.getSecret(namespace, name);
        secrets.set(key, read);
      }
      return read;
    },
    getConfigMap: (namespace, name) => kube.getConfigMap(namespace, name),
    createServiceAccountToken: (namespace, account, audiences, expirationSeconds) =>
      kube.createServiceAccountToken(namespace, account, audiences, expirationSeconds),
    ...(kube.getServiceAccountAnnotations
      ? {
          getServiceAccountAnnotations: (namespace: string, name: string) =>
            kube.getServiceAccountAnnotations!(namespace, name),
        }
      : {}),
  };
}

/**
 * Builds the store's credential provider and a fingerprint of what it was built from (for caching): a
 * sha256 digest, so the key material itself never ends up in a cache key, log or error.
 */
export async function buildCredentials(
  auth: AWSAuth | undefined,
  chain: RoleChain,
  region: string,
  ctx: CredentialScope,
  tuning: AwsSdkTuning,
  field: string,
): Promise<{ provider: CredentialProvider; fingerprint: string }> {
  const base = await baseCredentials(auth, chain, region, { ...ctx, kube: readSecretsOnce(ctx.kube) }, tuning, field);
  let provider = memoize(base.provider);
  for (const role of chain.additionalRoles ?? []) provider = assume(provider, role, region, tuning, {});
  if (chain.role && !base.consumedRole) {
    provider = assume(provider, chain.role, region, tuning, {
      externalID: chain.externalID,
      tags: chain.sessionTags,
      transitive: chain.transitiveTagKeys,
    });
  }
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([base.fingerprint, chain, region]))
    .digest("hex");
  return { provider, fingerprint };
}

/** A store is ready when its credentials resolve. */
export async function credentialsReady(credentials: CredentialProvider): Promise<ValidationResult> {
  try {
    await credentials();
    return { ready: true };
  } catch (err) {
    return { ready: false, message: (err as Error).message };
  }
}
