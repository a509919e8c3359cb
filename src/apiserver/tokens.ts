/** ServiceAccount token issuer: RS256 JWTs as the TokenRequest API returns them, plus the keys to verify them. */
import { createHash, createPublicKey, createSign, generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";

export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export interface TokenClaims {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  boundObject?: { kind: string; name: string; uid: string };
}

export class TokenIssuer {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly keyId: string;
  private readonly publicKey: KeyObject;

  constructor(
    readonly issuer: string = defaultIssuer,
    privateKeyPem?: string,
  ) {
    if (!privateKeyPem) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    }
    this.privateKeyPem = privateKeyPem;
    this.publicKey = createPublicKey(privateKeyPem);
    this.publicKeyPem = this.publicKey.export({ type: "spki", format: "pem" }).toString();
    const der = this.publicKey.export({ type: "spki", format: "der" });
    this.keyId = createHash("sha256").update(der).digest("base64url");
  }

  sign(c: TokenClaims, now = Date.now()): { token: string; expiresAt: Date } {
    const iat = Math.floor(now / 1000);
    const exp = iat + c.expirationSeconds;
    const k8s: Record<string, unknown> = {
      namespace: c.namespace,
      serviceaccount: { name: c.name, uid: c.uid },
    };
    if (c.boundObject) k8s[c.boundObject.kind.toLowerCase()] = { name: c.boundObject.name, uid: c.boundObject.uid };
    const payload = {
      aud: c.audiences,
      exp,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      "kubernetes.io": k8s,
      nbf: iat,
      sub: `system:serviceaccount:${c.namespace}:${c.name}`,
    };
    const header = { alg: "RS256", kid: this.keyId, typ: "JWT" };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const sig = createSign("RSA-SHA256").update(input).sign(this.privateKeyPem);
    return { token: `${input}.${b64url(sig)}`, expiresAt: new Date(exp * 1000) };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: this.keyId, use: "sig", alg: "RS256" }] };
  }

  openidConfiguration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/openid/v1/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    };
  }
}
