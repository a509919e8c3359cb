/**
 * A Yandex Cloud service account's authorized key (the JSON `yc iam key create` writes) and the JWT it signs
 * (PS256, `kid` = key id, `iss` = service account) to exchange for an IAM token.
 */
import { constants, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { StoreConfigError } from "../../errors.js";

/** The audience Yandex's IAM requires in the JWT, whatever endpoint the exchange is sent to. */
export const IAM_TOKENS_AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens";
const JWT_LIFETIME_SECONDS = 3600;

export interface AuthorizedKey {
  id: string;
  serviceAccountId: string;
  privateKeyPem: string;
  privateKey: KeyObject;
}

/** Parses the key file; errors name the field, never the key material. */
export function parseAuthorizedKey(text: string, field: string): AuthorizedKey {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new StoreConfigError(`${field}: unable to unmarshal authorized key: not valid JSON`);
  }
  const id = typeof raw.id === "string" ? raw.id : "";
  const serviceAccountId = typeof raw.service_account_id === "string" ? raw.service_account_id : "";
  const pem = typeof raw.private_key === "string" ? raw.private_key : "";
  if (!id) throw new StoreConfigError(`${field}: authorized key has no "id"`);
  if (!serviceAccountId) throw new StoreConfigError(`${field}: authorized key has no "service_account_id"`);
  // Key files start the PEM with a "PLEASE DO NOT REMOVE THIS LINE! ..." banner.
  const begin = pem.indexOf("-----BEGIN");
  if (begin < 0) throw new StoreConfigError(`${field}: authorized key has no PEM "private_key"`);
  const privateKeyPem = pem.slice(begin);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new StoreConfigError(`${field}: authorized key "private_key" is not a valid private key`);
  }
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new StoreConfigError(`${field}: authorized key "private_key" must be an RSA key`);
  }
  return { id, serviceAccountId, privateKeyPem, privateKey };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** The signed JWT the IAM tokens endpoint exchanges. */
export function signIamJwt(key: AuthorizedKey, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: "PS256", kid: key.id }));
  const claims = b64url(
    JSON.stringify({
      iss: key.serviceAccountId,
      aud: IAM_TOKENS_AUDIENCE,
      iat: nowSeconds,
      exp: nowSeconds + JWT_LIFETIME_SECONDS,
    }),
  );
  const input = `${header}.${claims}`;
  const signature = sign("sha256", Buffer.from(input), {
    key: key.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return `${input}.${b64url(signature)}`;
}
