/** Credentials a store references: Secret keys, ServiceAccount tokens and CA bundles, read through ctx.kube. */
import type { CAProvider, SecretKeySelector, ServiceAccountSelector } from "../api/common.js";
import { StoreConfigError } from "./errors.js";
import type { CredentialScope } from "./provider.js";

/**
 * Namespace a credential reference resolves in, as upstream ESO does: a SecretStore may only read its
 * own namespace; a ClusterSecretStore reads the reference's namespace, or the requester's when unset.
 */
export function refNamespace(ctx: CredentialScope, ref: { namespace?: string }, field: string): string {
  if (ctx.storeKind === "SecretStore") {
    if (ref.namespace && ref.namespace !== ctx.namespace) {
      throw new StoreConfigError(`${field}.namespace: a SecretStore may not reference another namespace`);
    }
    return ctx.namespace;
  }
  return ref.namespace ?? ctx.namespace;
}

/** Reads one key of a referenced Secret; the error names the field and the Secret, never the value. */
export async function resolveSecretKey(ctx: CredentialScope, ref: SecretKeySelector, field: string): Promise<Buffer> {
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
  ctx: CredentialScope,
  ref: SecretKeySelector,
  field: string,
): Promise<string> {
  return (await resolveSecretKey(ctx, ref, field)).toString("utf8").trim();
}

/** Requests a ServiceAccount token (TokenRequest API) for the given audiences. */
export async function serviceAccountToken(
  ctx: CredentialScope,
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

/** A store's caBundle (base64 PEM) or caProvider (a Secret or ConfigMap key) as PEM text; undefined when unset. */
export async function resolveCABundle(
  ctx: CredentialScope,
  caBundle: string | undefined,
  caProvider: CAProvider | undefined,
  field: string,
): Promise<string | undefined> {
  if (caBundle) return Buffer.from(caBundle, "base64").toString("utf8");
  if (!caProvider) return undefined;
  const where = `${field}.caProvider`;
  if (!caProvider.key) throw new StoreConfigError(`${where}.key: is required`);
  const ns = refNamespace(ctx, caProvider, where);
  if (caProvider.type === "ConfigMap") {
    const cm = await ctx.kube.getConfigMap(ns, caProvider.name);
    const v = cm?.[caProvider.key];
    if (v === undefined)
      throw new StoreConfigError(`${where}: key "${caProvider.key}" not found in ConfigMap ${ns}/${caProvider.name}`);
    return v;
  }
  const s = await ctx.kube.getSecret(ns, caProvider.name);
  const v = s?.[caProvider.key];
  if (v === undefined)
    throw new StoreConfigError(`${where}: key "${caProvider.key}" not found in Secret ${ns}/${caProvider.name}`);
  return v.toString("utf8");
}
