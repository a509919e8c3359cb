/**
 * ociAuthCredentials: Infisical's OCI auth. The login carries the headers of a GET of the user's own record at
 * OCI Identity (/20160918/users/<user>), signed with the user's API key (OCI HTTP signatures, rsa-sha256 over
 * date, (request-target) and host); Infisical replays it to OCI to learn who is calling.
 */
import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { AUTH_FIELD, type IdentityLogin } from "./login.js";

const FIELD = `${AUTH_FIELD}.ociAuthCredentials`;

export async function ociAuth(
  c: NonNullable<InfisicalAuth["ociAuthCredentials"]>,
  ctx: CredentialScope,
): Promise<IdentityLogin> {
  const read = (ref: Parameters<typeof resolveSecretKeyString>[1], name: string) =>
    resolveSecretKeyString(ctx, ref, `${FIELD}.${name}`);
  const identityId = await read(c.identityId, "identityId");
  const privateKeyPem = await read(c.privateKey, "privateKey");
  const passphrase = c.privateKeyPassphrase?.name
    ? await read(c.privateKeyPassphrase, "privateKeyPassphrase")
    : undefined;
  const fingerprint = await read(c.fingerprint, "fingerprint");
  const userId = await read(c.userId, "userId");
  const tenancyId = await read(c.tenancyId, "tenancyId");
  const region = await read(c.region, "region");
  if (!/^[a-z0-9-]+$/.test(region)) throw new StoreConfigError(`${FIELD}.region: is not an OCI region name`);
  const key = privateKey(privateKeyPem, passphrase);
  return {
    kind: "login",
    method: "oci-auth",
    fingerprint: [identityId, privateKeyPem, fingerprint, userId, tenancyId, region],
    body: async () => ({
      identityId,
      userOcid: userId,
      headers: signedUserRequest(key, `${tenancyId}/${userId}/${fingerprint}`, region, userId),
    }),
  };
}

function privateKey(pem: string, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: "pem", ...(passphrase ? { passphrase } : {}) });
  } catch {
    throw new StoreConfigError(
      `${FIELD}.privateKey: is not a PEM private key${passphrase ? " (or privateKeyPassphrase does not open it)" : ""}`,
    );
  }
}

/** The lower-cased headers of the signed GET, as Infisical expects them. */
export function signedUserRequest(
  key: KeyObject,
  keyId: string,
  region: string,
  userId: string,
  now = new Date(),
): Record<string, string> {
  const host = `identity.${region}.oraclecloud.com`;
  const target = `get /20160918/users/${userId}`;
  const date = now.toUTCString();
  const signingString = `date: ${date}\n(request-target): ${target}\nhost: ${host}`;
  const signature = createSign("RSA-SHA256").update(signingString).sign(key, "base64");
  return {
    host,
    date,
    authorization: `Signature version="1",headers="date (request-target) host",keyId="${keyId}",algorithm="rsa-sha256",signature="${signature}"`,
  };
}
