/**
 * The JWT a GitHub App signs to act as itself: RS256 over {iat, exp, iss}. As GitHub documents, iat is set 60 s
 * in the past (clock drift) and the token lives at most 10 minutes.
 */
import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import { GithubAppError } from "./errors.js";

export const JWT_BACKDATE_SECONDS = 60;
export const JWT_LIFETIME_SECONDS = 600;

/** The App's private key (PKCS#1 or PKCS#8 PEM); the error names the field, never the key. */
export function parseAppPrivateKey(pem: Buffer, field: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new GithubAppError(`${field}: is not a PEM-encoded private key`);
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new GithubAppError(`${field}: a GitHub App key must be RSA, got ${key.asymmetricKeyType ?? "unknown"}`);
  }
  return key;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

export function signAppJwt(appID: string, key: KeyObject, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000) - JWT_BACKDATE_SECONDS;
  const input = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ iat, exp: iat + JWT_LIFETIME_SECONDS, iss: appID })}`;
  const signature = createSign("RSA-SHA256").update(input).sign(key).toString("base64url");
  return `${input}.${signature}`;
}
