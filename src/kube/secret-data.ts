/** A Secret's `data` is base64 on the wire; these convert it to and from bytes. */

export function decodeSecretData(data: Record<string, string> | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, "base64");
  return out;
}

export function encodeSecretData(data: Record<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = v.toString("base64");
  return out;
}
