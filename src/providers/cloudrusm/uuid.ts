/** Go's uuid.Parse forms: canonical, braced, "urn:uuid:" prefixed, or 32 bare hex digits. */
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUUID(text: string): boolean {
  let s = text;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === "urn:uuid:") s = s.slice(9);
  else if (s.length === 38 && s.startsWith("{") && s.endsWith("}")) s = s.slice(1, -1);
  else if (s.length === 32) return /^[0-9a-f]{32}$/i.test(s);
  return CANONICAL.test(s);
}
