/**
 * Methods that prove the operator's own identity to the Infisical host a store names: its ServiceAccount token,
 * files on its disk, or its cloud identity. A SecretStore's hostAPI is chosen by a namespace admin, and these
 * proofs can be replayed by whoever receives them.
 */
import { readFile } from "node:fs/promises";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";

/** Methods a SecretStore can always use (the remedy named in refusals). */
export const TENANT_METHODS =
  "universalAuthCredentials, jwtAuthCredentials, ldapAuthCredentials, ociAuthCredentials or tokenAuthCredentials";

/** The operator's cloud identity (metadata server, default credential chain): refused per tenant policy. */
export function refuseCloudIdentity(ctx: CredentialScope, field: string, what: string): void {
  refuseAmbientCredentials(ctx, field, what, TENANT_METHODS);
}

/**
 * Reads a file of the operator's filesystem named by a store (upstream's *Path fields): only a ClusterSecretStore
 * may name one, so a namespace admin can neither pick the operator's files nor send them to a host of theirs.
 */
export async function readOperatorFile(ctx: CredentialScope, path: string, field: string): Promise<string> {
  refuseOperatorFile(ctx, field);
  if (!path.startsWith("/")) throw new StoreConfigError(`${field}: must be an absolute path`);
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (err) {
    throw new StoreConfigError(
      `${field}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "read failed"}`,
    );
  }
}

/**
 * A ClusterSecretStore's reference without a namespace resolves in the ExternalSecret's namespace: a path read
 * from there would let a tenant pick the operator's file. Path references must name their namespace.
 */
export function requirePathNamespace(ctx: CredentialScope, ref: { namespace?: string }, field: string): void {
  if (ctx.storeKind === "ClusterSecretStore" && !ref.namespace) {
    throw new StoreConfigError(`${field}.namespace: is required: the value names a file of the operator`);
  }
}

export function refuseOperatorFile(ctx: CredentialScope, field: string): void {
  if (ctx.storeKind === "ClusterSecretStore") return;
  throw new StoreConfigError(`${field}: a SecretStore may not name files of the operator; use ${TENANT_METHODS}`);
}
