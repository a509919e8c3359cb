/**
 * An in-memory KubeAccess for provider tests: Secrets, ConfigMaps and ServiceAccounts held in maps, and a
 * TokenRequest that mints HMAC-signed JWTs carrying the usual Kubernetes claims (iss, sub, aud, exp and the
 * kubernetes.io block), so loopback test servers can verify who is logging in.
 */
import { createHmac, randomUUID } from "node:crypto";
import { InMemoryKubeAccess } from "../../src/sandbox/memory-kube-access.js";

export const TEST_TOKEN_ISSUER = "https://kubernetes.default.svc.cluster.local";
const DEFAULT_AUDIENCE = "https://kubernetes.default.svc.cluster.local";

export interface IssuedToken {
  namespace: string;
  serviceAccount: string;
  audiences: string[];
  expirationSeconds: number;
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  "kubernetes.io": { namespace: string; serviceaccount: { name: string; uid: string } };
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export class MemoryKubeAccess extends InMemoryKubeAccess {
  readonly issued: IssuedToken[] = [];
  secretReads = 0;
  private readonly signingKey = Buffer.from(randomUUID());

  setSecret(namespace: string, name: string, data: Record<string, string | Buffer>): this {
    const decoded: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(data)) decoded[k] = Buffer.isBuffer(v) ? v : Buffer.from(v);
    this.secrets.set(`${namespace}/${name}`, decoded);
    return this;
  }

  setConfigMap(namespace: string, name: string, data: Record<string, string>): this {
    this.configMaps.set(`${namespace}/${name}`, { ...data });
    return this;
  }

  setServiceAccount(namespace: string, name: string, annotations: Record<string, string> = {}): this {
    this.serviceAccounts.set(`${namespace}/${name}`, { ...annotations });
    return this;
  }

  override async getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined> {
    this.secretReads++;
    return super.getSecret(namespace, name);
  }

  async createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds = 3600,
  ): Promise<string> {
    if (!this.serviceAccounts.has(`${namespace}/${serviceAccount}`)) {
      throw new Error(`serviceaccounts "${serviceAccount}" not found in namespace ${namespace}`);
    }
    const aud = audiences.length ? audiences : [DEFAULT_AUDIENCE];
    this.issued.push({ namespace, serviceAccount, audiences: aud, expirationSeconds });
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      iss: TEST_TOKEN_ISSUER,
      sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
      aud,
      iat: now,
      exp: now + expirationSeconds,
      "kubernetes.io": { namespace, serviceaccount: { name: serviceAccount, uid: randomUUID() } },
    };
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac("sha256", this.signingKey).update(`${head}.${body}`).digest("base64url");
    return `${head}.${body}.${sig}`;
  }

  /** Verifies a token minted here and returns its claims, or undefined when forged or expired. */
  verifyToken(token: string): TokenClaims | undefined {
    const [head, body, sig] = token.split(".");
    if (!head || !body || !sig) return undefined;
    const expected = createHmac("sha256", this.signingKey).update(`${head}.${body}`).digest("base64url");
    if (expected !== sig) return undefined;
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenClaims;
    if (claims.exp < Math.floor(Date.now() / 1000)) return undefined;
    return claims;
  }
}
