/** Static checks of a Vault connection spec (spec.provider.vault, or a VaultDynamicSecret's spec.provider). */
import type { VaultProvider } from "../../../api/providers/vault.js";
import type { StoreKind } from "../../provider.js";

/** Problems with `spec`, each naming its field under `field`. */
export function vaultSpecErrors(spec: VaultProvider, storeKind: StoreKind, field: string): string[] {
  const errs: string[] = [];
  if (!spec?.server) errs.push(`${field}.server: is required`);
  else {
    try {
      const u = new URL(spec.server);
      if (u.protocol !== "http:" && u.protocol !== "https:") errs.push(`${field}.server: must be an http(s) URL`);
    } catch {
      errs.push(`${field}.server: is not a valid URL`);
    }
  }
  if (spec?.version && spec.version !== "v1" && spec.version !== "v2") errs.push(`${field}.version: must be v1 or v2`);
  const a = spec?.auth;
  if (!a) errs.push(`${field}.auth: is required`);
  if (a?.appRole && !a.appRole.roleId && !a.appRole.roleRef)
    errs.push(`${field}.auth.appRole: roleId or roleRef is required`);
  if (a?.kubernetes && !a.kubernetes.role) errs.push(`${field}.auth.kubernetes.role: is required`);
  if (a?.iam && !a.iam.vaultRole) errs.push(`${field}.auth.iam.vaultRole: is required`);
  if (a?.gcp && !a.gcp.role) errs.push(`${field}.auth.gcp.role: is required`);
  if (!!spec?.tls?.certSecretRef !== !!spec?.tls?.keySecretRef) {
    errs.push(`${field}.tls: when provided, both certSecretRef and keySecretRef must be set`);
  }
  if (spec?.checkAndSet?.required && spec.version === "v1") {
    errs.push(`${field}.checkAndSet.required: check-and-set is not supported with Vault KV version v1`);
  }
  if (storeKind === "ClusterSecretStore" && spec?.caProvider && !spec.caProvider.namespace) {
    errs.push(`${field}.caProvider.namespace: is required for a ClusterSecretStore`);
  }
  if (storeKind === "SecretStore" && spec?.caProvider?.namespace) {
    errs.push(`${field}.caProvider.namespace: must be empty for a SecretStore`);
  }
  if (a?.tokenSecretRef && storeKind === "SecretStore" && a.tokenSecretRef.namespace) {
    errs.push(`${field}.auth.tokenSecretRef.namespace: a SecretStore may not reference another namespace`);
  }
  return errs;
}
