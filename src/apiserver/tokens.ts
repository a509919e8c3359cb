/** ServiceAccount token issuer: RS256 JWTs as the TokenRequest API returns them, plus the keys to verify them. */
import {
  createHash,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
} from "node:crypto";

export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** What a verified token says about its holder. */
export interface VerifiedToken {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
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

  /** The claims of a token this issuer signed and that is valid at `now`; undefined for anything else. */
  verify(token: string, now = Date.now()): VerifiedToken | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    let header: any;
    let payload: any;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
      payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (header?.alg !== "RS256" || header.kid !== this.keyId) return undefined;
    const signature = Buffer.from(parts[2]!, "base64url");
    if (!createVerify("RSA-SHA256").update(`${parts[0]}.${parts[1]}`).verify(this.publicKey, signature)) {
      return undefined;
    }
    const t = Math.floor(now / 1000);
    if (payload?.iss !== this.issuer || typeof payload.exp !== "number" || payload.exp <= t) return undefined;
    if (typeof payload.nbf === "number" && payload.nbf > t + 60) return undefined;
    const sa = payload["kubernetes.io"]?.serviceaccount;
    const namespace = payload["kubernetes.io"]?.namespace;
    if (typeof namespace !== "string" || typeof sa?.name !== "string" || typeof sa.uid !== "string") return undefined;
    const aud = Array.isArray(payload.aud) ? payload.aud : typeof payload.aud === "string" ? [payload.aud] : [];
    return { namespace, name: sa.name, uid: sa.uid, audiences: aud.filter((a: unknown) => typeof a === "string") };
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
