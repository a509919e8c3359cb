/** remoteRef.key prefixes selecting the Key Vault object type, as upstream ESO. */
export type ObjectType = "secret" | "cert" | "key";

export function parseObjectKey(key: string): { type: ObjectType; name: string } {
  const m = /^(secret|cert|key)\/(.+)$/.exec(key);
  if (m) return { type: m[1] as ObjectType, name: m[2]! };
  return { type: "secret", name: key };
}

const b64u = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString("base64url") : undefined);

/** A Key Vault JsonWebKey as JWK JSON (binary members base64url, as RFC 7517 and Key Vault's wire format). */
export function jwkJson(key: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  const names: Record<string, string> = { keyOps: "key_ops", kid: "kid", kty: "kty", crv: "crv" };
  for (const [k, v] of Object.entries(key)) {
    if (v === undefined || v === null) continue;
    const name = names[k] ?? k;
    out[name] = v instanceof Uint8Array ? b64u(v) : v;
  }
  return JSON.stringify(out);
}
