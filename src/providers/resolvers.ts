import { StoreConfigError } from "./errors.js";
import type { ProviderContext } from "./provider.js";

export interface SecretKeySelector {
  name: string;
  key?: string;
  namespace?: string;
}

export interface ServiceAccountSelector {
  name: string;
  namespace?: string;
  audiences?: string[];
}

/**
 * Namespace a credential reference resolves in, as upstream ESO does: a SecretStore may only read its
 * own namespace; a ClusterSecretStore reads the reference's namespace, or the requester's when unset.
 */
export function refNamespace(ctx: ProviderContext, ref: { namespace?: string }, field: string): string {
  if (ctx.storeKind === "SecretStore") {
    if (ref.namespace && ref.namespace !== ctx.namespace) {
      throw new StoreConfigError(`${field}.namespace: a SecretStore may not reference another namespace`);
    }
    return ctx.namespace;
  }
  return ref.namespace ?? ctx.namespace;
}

/** Reads one key of a referenced Secret; the error names the field and the Secret, never the value. */
export async function resolveSecretKey(ctx: ProviderContext, ref: SecretKeySelector, field: string): Promise<Buffer> {
  if (!ref?.name) throw new StoreConfigError(`${field}.name: is required`);
  if (!ref.key) throw new StoreConfigError(`${field}.key: is required`);
  const ns = refNamespace(ctx, ref, field);
  const data = await ctx.kube.getSecret(ns, ref.name);
  if (!data) throw new StoreConfigError(`${field}: Secret ${ns}/${ref.name} not found`);
  const value = data[ref.key];
  if (value === undefined)
    throw new StoreConfigError(`${field}: key "${ref.key}" not found in Secret ${ns}/${ref.name}`);
  return value;
}

export async function resolveSecretKeyString(
  ctx: ProviderContext,
  ref: SecretKeySelector,
  field: string,
): Promise<string> {
  return (await resolveSecretKey(ctx, ref, field)).toString("utf8").trim();
}

/** Requests a ServiceAccount token (TokenRequest API) for the given audiences. */
export async function serviceAccountToken(
  ctx: ProviderContext,
  ref: ServiceAccountSelector,
  defaultAudiences: string[],
  field: string,
  expirationSeconds = 600,
): Promise<string> {
  if (!ref?.name) throw new StoreConfigError(`${field}.name: is required`);
  const ns = refNamespace(ctx, ref, field);
  const audiences = ref.audiences?.length ? ref.audiences : defaultAudiences;
  return ctx.kube.createServiceAccountToken(ns, ref.name, audiences, expirationSeconds);
}
