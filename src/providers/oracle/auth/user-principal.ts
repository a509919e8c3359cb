/** auth: a user's API signing key (PEM) and its fingerprint from Secrets; requests signed as tenancy/user/fingerprint. */
import { createPrivateKey, type KeyObject } from "node:crypto";
import type { OracleProvider } from "../../../api/providers/oracle.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKey, resolveSecretKeyString } from "../../resolvers.js";
import type { RequestSigner } from "../signer.js";

type OracleAuth = NonNullable<OracleProvider["auth"]>;

export class ApiKeySigner implements RequestSigner {
  constructor(
    private readonly keyId: string,
    private readonly key: KeyObject,
  ) {}

  async credentials(): Promise<{ keyId: string; key: KeyObject }> {
    return { keyId: this.keyId, key: this.key };
  }
}

export async function userPrincipalSigner(
  auth: OracleAuth,
  ctx: CredentialScope,
  field: string,
): Promise<ApiKeySigner> {
  if (!auth.user) throw new StoreConfigError(`${field}.user: missing User ID`);
  if (!auth.tenancy) throw new StoreConfigError(`${field}.tenancy: missing Tenancy ID`);
  const pem = await resolveSecretKey(ctx, auth.secretRef?.privatekey, `${field}.secretRef.privatekey`);
  if (!pem.toString("utf8").trim()) throw new StoreConfigError(`${field}.secretRef.privatekey: missing PrivateKey`);
  const fingerprint = await resolveSecretKeyString(ctx, auth.secretRef?.fingerprint, `${field}.secretRef.fingerprint`);
  if (!fingerprint) throw new StoreConfigError(`${field}.secretRef.fingerprint: missing Fingerprint`);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new StoreConfigError(`${field}.secretRef.privatekey: is not an unencrypted PEM private key`);
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new StoreConfigError(`${field}.secretRef.privatekey: must be an RSA key (OCI API signing keys are RSA)`);
  }
  return new ApiKeySigner(`${auth.tenancy}/${auth.user}/${fingerprint}`, key);
}
