/** An entry's fields as upstream's SecretEntry.ToMap gives them: always these keys, absent ones empty. */
import type { PdSecretEntry } from "./transport.js";

export const ENTRY_FIELDS = [
  "name",
  "fingerprint",
  "itemclass",
  "login",
  "pass",
  "url",
  "importance",
  "comment",
  "expirydate",
  "tags",
  "author",
  "category",
  "icon",
  "secondeye",
  "secondpass",
  "template",
  "acm",
  "paramstr",
  "loginid",
  "passid",
  "donotaddon",
  "markassafe",
  "safemode",
] as const;

export function entryToMap(entry: PdSecretEntry): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const f of ENTRY_FIELDS) {
    const v = entry[f];
    out[f] = Buffer.from(typeof v === "string" ? v : "", "utf8");
  }
  return out;
}
