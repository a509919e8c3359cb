/**
 * auth.containerAuth: the compute-resource token mounted in the operator's pod, exchanged for a trusted
 * profile. That token is the operator's own identity, so a namespaced SecretStore may use it only at the
 * default file and IAM endpoint, and only when the operator allows ambient credentials (tenant-policy.ts); a
 * ClusterSecretStore uses it as upstream does.
 */
import { readFile } from "node:fs/promises";
import type { IBMProvider } from "../../../api/providers/ibm.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { refuseAmbientCredentials, refuseOwnTokenForSecretStore } from "../../tenant-policy.js";
import { DEFAULT_IAM_ENDPOINT, type IamGrant } from "./iam-token.js";

export const DEFAULT_CR_TOKEN_PATH = "/var/run/secrets/tokens/vault-token";
const MAX_TOKEN_BYTES = 64 * 1024;

type ContainerAuth = NonNullable<IBMProvider["auth"]["containerAuth"]>;

export async function containerGrant(
  auth: ContainerAuth,
  ctx: CredentialScope,
  field: string,
): Promise<{ endpoint: string; grant: IamGrant }> {
  if (!auth.profile) throw new StoreConfigError(`${field}.profile: container auth profile cannot be empty`);
  const endpoint = auth.iamEndpoint || DEFAULT_IAM_ENDPOINT;
  const path = auth.tokenLocation || DEFAULT_CR_TOKEN_PATH;
  if (endpoint.replace(/\/+$/, "") !== DEFAULT_IAM_ENDPOINT) {
    refuseOwnTokenForSecretStore(
      ctx,
      `${field}.iamEndpoint`,
      "auth.secretRef (the default IAM endpoint for containerAuth)",
    );
  }
  if (path !== DEFAULT_CR_TOKEN_PATH) {
    refuseOwnTokenForSecretStore(
      ctx,
      `${field}.tokenLocation`,
      `auth.secretRef (or the default ${DEFAULT_CR_TOKEN_PATH})`,
    );
  }
  refuseAmbientCredentials(ctx, field, "compute-resource token", "auth.secretRef");
  let crToken: string;
  try {
    const raw = await readFile(path);
    if (raw.length > MAX_TOKEN_BYTES) throw Object.assign(new Error("too large"), { code: "EFBIG" });
    crToken = raw.toString("utf8").trim();
  } catch (err) {
    throw new StoreConfigError(
      `${field}.tokenLocation: cannot read container auth token ${path}: ${(err as NodeJS.ErrnoException).code ?? "read failed"}`,
    );
  }
  if (!crToken) throw new StoreConfigError(`${field}.tokenLocation: container auth token ${path} is empty`);
  return { endpoint, grant: { kind: "cr-token", crToken, profile: auth.profile } };
}
