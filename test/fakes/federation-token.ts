/**
 * What a federating service (Quay robot federation, Cloudsmith OIDC) checks on a Kubernetes ServiceAccount token
 * before trusting it: the issuer's signature, then issuer, subject, audience and expiry. Signatures are checked
 * with the MemoryKubeAccess HMAC key (unit tests) or the in-process API server's RS256 issuer key (end to end).
 */
import { createHmac, createVerify } from "node:crypto";

/** The token's claims when its signature verifies; undefined otherwise. */
export type SignatureCheck = (jwt: string) => Record<string, any> | undefined;

/** Who may federate: the token's `iss` and `sub`, and (when set) an audience its `aud` must contain. */
export interface FederationRule {
  issuer: string;
  subject: string;
  audience?: string;
}

/** An RS256 check against a PEM public key (the API server's service-account issuer key). */
export function rs256Signature(publicKeyPem: string): SignatureCheck {
  return (jwt) => {
    const [h, p, s] = jwt.split(".");
    if (!h || !p || !s) return undefined;
    try {
      const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      if (header.alg !== "RS256") return undefined;
      const ok = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(publicKeyPem, Buffer.from(s, "base64url"));
      return ok ? JSON.parse(Buffer.from(p, "base64url").toString("utf8")) : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Why the token is refused under `rule`, or undefined when it is accepted. */
export function refusal(jwt: string, check: SignatureCheck, rule: FederationRule): string | undefined {
  const claims = check(jwt);
  if (!claims) return "signature";
  if (claims.iss !== rule.issuer) return "issuer";
  if (claims.sub !== rule.subject) return "subject";
  const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (rule.audience !== undefined && !aud.includes(rule.audience)) return "audience";
  if (typeof claims.exp !== "number" || claims.exp <= Date.now() / 1000) return "expired";
  return undefined;
}

/** An access token as these services hand out: an HS256 JWT with `sub` and a one-hour `exp`. */
export function issueAccessToken(key: Buffer, sub: string, lifetimeSeconds = 3600): { token: string; exp: number } {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + lifetimeSeconds;
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, iat: now, exp })}`;
  return { token: `${unsigned}.${createHmac("sha256", key).update(unsigned).digest("base64url")}`, exp };
}
