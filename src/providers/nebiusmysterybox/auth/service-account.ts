/**
 * Service-account credentials (`{"subject-credentials": {"private-key", "kid", "sub", ...}}`) exchanged for an IAM
 * token: a one-minute RS256 JWT signed with the account's key, issued and subject the account, then
 * TokenExchangeService.Exchange. Tokens are kept per domain and credentials for most of their lifetime.
 */
import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import { StoreConfigError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import { credentialKey, ExpiringTokenCache } from "../../util/expiring-tokens.js";
import { exchangeToken, type NebiusCallOptions } from "../transport.js";

const JWT_AUDIENCE = "token-service.iam.new.nebiuscloud.net";
const JWT_TTL_SECONDS = 60;

export const NEBIUS_IAM_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "nebius-iam-tokens",
  create: () => new ExpiringTokenCache(),
};

export interface ServiceAccountCreds {
  privateKey: KeyObject;
  privateKeyPem: string;
  keyId: string;
  subject: string;
}

/** Parses the credentials document; errors name the field only. */
export function parseServiceAccountCreds(json: string, field: string): ServiceAccountCreds {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new StoreConfigError(`${field}: invalid subject credentials: malformed JSON`);
  }
  const creds = (doc as { "subject-credentials"?: Record<string, unknown> })?.["subject-credentials"] ?? {};
  const pem = typeof creds["private-key"] === "string" ? creds["private-key"] : "";
  const keyId = typeof creds.kid === "string" ? creds.kid : "";
  const subject = typeof creds.sub === "string" ? creds.sub : "";
  if (!pem || !keyId || !subject) {
    throw new StoreConfigError(`${field}: subject-credentials needs private-key, kid and sub`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new StoreConfigError(`${field}: subject-credentials.private-key is not a PEM private key`);
  }
  return { privateKey, privateKeyPem: pem, keyId, subject };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

export function signSubjectJwt(creds: ServiceAccountCreds, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const header = b64url({ alg: "RS256", kid: creds.keyId, typ: "JWT" });
  const claims = b64url({
    iss: creds.subject,
    sub: creds.subject,
    aud: [JWT_AUDIENCE],
    exp: iat + JWT_TTL_SECONDS,
    iat,
  });
  const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(creds.privateKey).toString("base64url");
  return `${header}.${claims}.${signature}`;
}

export function serviceAccountToken(
  o: NebiusCallOptions,
  tokens: ExpiringTokenCache,
  creds: ServiceAccountCreds,
): Promise<string> {
  const key = credentialKey([o.apiDomain, creds.keyId, creds.subject], [creds.privateKeyPem]);
  return tokens.get(key, async () => {
    const { token, expiresIn } = await exchangeToken(o, signSubjectJwt(creds));
    return { token, expiresInSeconds: expiresIn };
  });
}
