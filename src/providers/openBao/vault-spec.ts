/**
 * The OpenBao store spec in the shape the shared Vault kit reads (vault/kit: auth, TLS, session), and the kit's
 * error text renamed to this provider's fields. OpenBao's `auth.kubernetes.path` is the kit's `mountPath`.
 */
import type { OpenBaoProvider } from "../../api/providers/openbao.js";
import type { VaultAuth, VaultProvider } from "../../api/providers/vault.js";

export function toVaultSpec(spec: OpenBaoProvider): VaultProvider {
  const a = spec.auth;
  const auth: VaultAuth | undefined = a && {
    namespace: a.namespace,
    tokenSecretRef: a.tokenSecretRef,
    appRole: a.appRole,
    userPass: a.userPass,
    kubernetes: a.kubernetes && {
      mountPath: a.kubernetes.path || "kubernetes",
      role: a.kubernetes.role,
      serviceAccountRef: a.kubernetes.serviceAccountRef,
      secretRef: a.kubernetes.secretRef,
    },
  };
  return {
    server: spec.server,
    auth,
    path: spec.path,
    version: spec.version,
    namespace: spec.namespace,
    caBundle: spec.caBundle,
    caProvider: spec.caProvider,
  };
}

/** Rewrites an error raised by the Vault kit so it names OpenBao and this provider's fields (class kept). */
export function asOpenBaoError<E>(err: E): E {
  if (err instanceof Error) {
    err.message = err.message
      .replace(/^vault: /, "openbao: ")
      .replaceAll("spec.provider.vault.auth.kubernetes.mountPath", "spec.provider.openBao.auth.kubernetes.path")
      .replaceAll("spec.provider.vault", "spec.provider.openBao");
  }
  return err;
}

/** Runs `fn`, renaming any error it throws (see asOpenBaoError). */
export async function rebranded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asOpenBaoError(err);
  }
}
