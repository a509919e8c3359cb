/**
 * What a namespace admin's store may make the operator do with the operator's own identity and host:
 * set once per process from the controller's flags, read by the providers' auth code.
 */
import { readFile } from "node:fs/promises";
import { StoreConfigError } from "./errors.js";
import type { CredentialScope } from "./provider.js";

export interface TenantPolicy {
  /** --allow-kubeconfig-proxy: honour `proxy-url` in kubeconfigs read from tenant Secrets. */
  allowKubeconfigProxy: boolean;
  /**
   * --refuse-ambient-credentials-for-namespaced-stores: a SecretStore (or generator) without `auth` may not use
   * the controller's cloud identity (AWS default chain / IRSA, GCP application default credentials, Azure
   * managed identity).
   */
  refuseAmbientCredentials: boolean;
  /** Where the operator's own ServiceAccount token is mounted (tests point it at a canary file). */
  ownServiceAccountTokenPath: string;
}

export const DEFAULT_TENANT_POLICY: Readonly<TenantPolicy> = Object.freeze({
  allowKubeconfigProxy: false,
  refuseAmbientCredentials: false,
  ownServiceAccountTokenPath: "/var/run/secrets/kubernetes.io/serviceaccount/token",
});

let current: TenantPolicy = { ...DEFAULT_TENANT_POLICY };

/** Sets the process-wide policy: the defaults overridden by `overrides`. */
export function configureTenantPolicy(overrides: Partial<TenantPolicy> = {}): void {
  current = { ...DEFAULT_TENANT_POLICY, ...overrides };
}

export function tenantPolicy(): Readonly<TenantPolicy> {
  return current;
}

/**
 * The operator's own mounted ServiceAccount token, for ClusterSecretStores only: a SecretStore's server URL is
 * chosen by a namespace admin, so it gets a `field` error before anything is read.
 */
export async function ownServiceAccountToken(ctx: CredentialScope, field: string, remedy: string): Promise<string> {
  refuseOwnTokenForSecretStore(ctx, field, remedy);
  const path = current.ownServiceAccountTokenPath;
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (err) {
    throw new StoreConfigError(
      `${field}: cannot read the operator's service account token at ${path}: ${(err as NodeJS.ErrnoException).code ?? "read failed"}`,
    );
  }
}

/** Throws the `field` error a SecretStore gets when it would fall back to the operator's own token. */
export function refuseOwnTokenForSecretStore(ctx: CredentialScope, field: string, remedy: string): void {
  if (ctx.storeKind === "ClusterSecretStore") return;
  throw new StoreConfigError(
    `${field}: a SecretStore must set ${remedy}; the operator's own token is only used by ClusterSecretStores`,
  );
}

/**
 * Throws when a namespaced store (or generator) would fall back to the controller's ambient cloud identity and
 * the operator refuses that (--refuse-ambient-credentials-for-namespaced-stores).
 */
export function refuseAmbientCredentials(ctx: CredentialScope, field: string, what: string, remedy: string): void {
  if (ctx.storeKind === "ClusterSecretStore" || !current.refuseAmbientCredentials) return;
  throw new StoreConfigError(
    `${field}: a SecretStore or generator must set ${remedy}; the controller's ${what} is refused for namespaced stores (--refuse-ambient-credentials-for-namespaced-stores)`,
  );
}
