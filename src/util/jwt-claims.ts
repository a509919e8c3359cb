/**
 * The claims of a JWT read without verifying it: for tokens that came straight from their issuer, where only a
 * claim such as `exp` or `sub` is wanted. Undefined when the token is not a JWT with a JSON object payload.
 */
export function unverifiedJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    return claims !== null && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
