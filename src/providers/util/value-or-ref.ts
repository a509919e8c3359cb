/**
 * Credentials upstream lets a store give either inline (`value`) or as a Secret key reference (`secretRef`),
 * exactly one of the two (Scaleway, Delinea DSV, Delinea Secret Server).
 */
import type { SecretKeySelector } from "../../api/common.js";
import { StoreConfigError } from "../errors.js";
import type { CredentialScope, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";

export interface ValueOrSecretRef {
  value?: string;
  secretRef?: SecretKeySelector;
}

/** Static checks of one credential, as upstream's ValidateValueOrRef: one error per problem, field path first. */
export function checkValueOrRef(ref: ValueOrSecretRef | undefined, field: string): string[] {
  if (!ref) return [`${field}: is required`];
  if (ref.value && ref.secretRef) return [`${field}: cannot specify both secret reference and value`];
  if (!ref.value && !ref.secretRef) return [`${field}: must specify either secret reference or direct value`];
  const errs: string[] = [];
  if (ref.secretRef && !ref.secretRef.name) errs.push(`${field}.secretRef.name: must specify a secret name`);
  if (ref.secretRef && !ref.secretRef.key) errs.push(`${field}.secretRef.key: must specify a secret key`);
  return errs;
}

/**
 * Upstream refuses a ClusterSecretStore whose credential references leave the namespace unset (they would
 * resolve in whichever namespace asks). Returns the offending fields.
 */
export function refsWithoutNamespace(
  storeKind: StoreKind,
  refs: [field: string, ref: ValueOrSecretRef | undefined][],
): string[] {
  if (storeKind !== "ClusterSecretStore") return [];
  return refs.filter(([, ref]) => ref?.secretRef && !ref.secretRef.namespace).map(([field]) => `${field}.secretRef`);
}

/** Throws upstream's error when refsWithoutNamespace finds any. */
export function requireExplicitNamespaces(
  storeKind: StoreKind,
  refs: [field: string, ref: ValueOrSecretRef | undefined][],
): void {
  const missing = refsWithoutNamespace(storeKind, refs);
  if (missing.length) {
    throw new StoreConfigError(
      `${missing.join(", ")}: when using a ClusterSecretStore, namespaces must be explicitly set`,
    );
  }
}

/** The credential's text: the inline value, or the referenced Secret key (read only where the store may read). */
export async function resolveValueOrRef(
  ctx: CredentialScope,
  ref: ValueOrSecretRef | undefined,
  field: string,
): Promise<string> {
  const errs = checkValueOrRef(ref, field);
  if (errs.length) throw new StoreConfigError(errs[0]);
  if (ref?.secretRef) return resolveSecretKeyString(ctx, ref.secretRef, `${field}.secretRef`);
  return ref?.value ?? "";
}
