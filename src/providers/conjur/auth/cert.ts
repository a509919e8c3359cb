/**
 * auth.cert: the client certificate and key (PEM, from Secrets) presented in the TLS handshake of
 * POST /authn-cert/{serviceID}/{account}[/{hostId}]/authenticate. Only that call carries the certificate.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { Agent } from "node:https";
import type { ConjurAuth } from "../../../api/providers/conjur.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKey } from "../../resolvers.js";
import type { Login } from "../transport.js";
import type { ResolvedAuth } from "./resolve.js";

type CertAuth = NonNullable<ConjurAuth["cert"]>;

export async function certAuth(
  auth: CertAuth,
  ctx: ProviderContext,
  field: string,
  ca: string | undefined,
): Promise<ResolvedAuth> {
  const cert = await resolveSecretKey(ctx, auth.clientCertRef, `${field}.clientCertRef`);
  const key = await resolveSecretKey(ctx, auth.clientKeyRef, `${field}.clientKeyRef`);
  try {
    new X509Certificate(cert);
  } catch {
    throw new StoreConfigError(`${field}.clientCertRef: is not a PEM certificate`);
  }
  try {
    createPrivateKey(key);
  } catch {
    throw new StoreConfigError(`${field}.clientKeyRef: is not a PEM private key`);
  }
  const host = auth.hostId ? `/${encodeURIComponent(auth.hostId)}` : "";
  const path = `/authn-cert/${encodeURIComponent(auth.serviceID)}/${encodeURIComponent(auth.account)}${host}/authenticate`;
  const login: Login = async (api) => {
    const agent = new Agent({ cert, key, ...(ca ? { ca } : {}), keepAlive: false });
    try {
      return await api.authenticate(path, `authenticate with authn-cert/${auth.serviceID}`, undefined, {}, agent);
    } finally {
      agent.destroy();
    }
  };
  return {
    account: auth.account,
    login,
    credentials: ["cert", auth.account, auth.serviceID, auth.hostId ?? "", cert.toString("utf8"), key.toString("utf8")],
  };
}
