/**
 * remoteRef.key as upstream reads it: `id`, `type/id-or-name` or `group/type/name`; the type defaults to
 * arbitrary. A name (anything not a UUID) needs the secret group.
 */

export const SECRET_TYPES = [
  "arbitrary",
  "username_password",
  "iam_credentials",
  "service_credentials",
  "imported_cert",
  "public_cert",
  "private_cert",
  "kv",
  "custom_credentials",
] as const;
export type IbmSecretType = (typeof SECRET_TYPES)[number];

export interface IbmSecretRef {
  group?: string;
  type: string;
  name: string;
}

export function parseSecretKey(key: string): IbmSecretRef {
  const parts = key.split("/");
  if (parts.length === 2) return { type: parts[0]!, name: parts[1]! };
  if (parts.length === 3) return { group: parts[0]!, type: parts[1]!, name: parts[2]! };
  return { type: "arbitrary", name: key };
}

export function isKnownType(type: string): type is IbmSecretType {
  return (SECRET_TYPES as readonly string[]).includes(type);
}

const HEX32 = /^[0-9a-fA-F]{32}$/;
const CANONICAL = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The forms Go's uuid.Parse accepts: canonical, braced, urn:uuid: prefixed, and 32 bare hex digits. */
export function isUuid(s: string): boolean {
  if (CANONICAL.test(s) || HEX32.test(s)) return true;
  if (s.length === 38 && s.startsWith("{") && s.endsWith("}")) return CANONICAL.test(s.slice(1, -1));
  if (s.length === 45 && s.toLowerCase().startsWith("urn:uuid:")) return CANONICAL.test(s.slice(9));
  return false;
}
