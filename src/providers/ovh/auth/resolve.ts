/** The store's OKMS credentials: a bearer token, or a client certificate and key (mTLS); exactly one is set. */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { Agent } from "node:https";
import type { OvhProvider } from "../../../api/providers/ovh.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import type { OkmsAuth } from "../transport.js";

const FIELD = "spec.provider.ovh.auth";

export async function resolveOkmsAuth(ctx: CredentialScope, auth: OvhProvider["auth"]): Promise<OkmsAuth> {
  if (auth.token) {
    const ref = auth.token.tokenSecretRef;
    if (!ref) throw new StoreConfigError(`${FIELD}.token.tokenSecretRef: cannot be empty`);
    const token = await resolveSecretKeyString(ctx, ref, `${FIELD}.token.tokenSecretRef`);
    if (!token) throw new StoreConfigError(`${FIELD}.token.tokenSecretRef: cannot be empty`);
    return { headers: { authorization: `Bearer ${token}` } };
  }
  if (auth.mtls) {
    const { certSecretRef, keySecretRef } = auth.mtls;
    if (!keySecretRef) throw new StoreConfigError(`${FIELD}.mtls.keySecretRef: cannot be empty`);
    if (!certSecretRef) throw new StoreConfigError(`${FIELD}.mtls.certSecretRef: cannot be empty`);
    const key = await resolveSecretKeyString(ctx, keySecretRef, `${FIELD}.mtls.keySecretRef`);
    if (!key) throw new StoreConfigError(`${FIELD}.mtls.keySecretRef: cannot be empty`);
    const cert = await resolveSecretKeyString(ctx, certSecretRef, `${FIELD}.mtls.certSecretRef`);
    if (!cert) throw new StoreConfigError(`${FIELD}.mtls.certSecretRef: cannot be empty`);
    checkKeyPair(cert, key);
    return { headers: {}, agent: new Agent({ cert, key, minVersion: "TLSv1.2" }) };
  }
  throw new StoreConfigError(`${FIELD}: missing authentication method`);
}

/** As Go's tls.X509KeyPair: both parse and the key belongs to the certificate (the error quotes neither). */
function checkKeyPair(certPem: string, keyPem: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new StoreConfigError(`${FIELD}.mtls.certSecretRef: is not a PEM certificate`);
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw new StoreConfigError(`${FIELD}.mtls.keySecretRef: is not a PEM private key`);
  }
  if (!matches) throw new StoreConfigError(`${FIELD}.mtls: private key does not match the certificate`);
}
