/** Secret key conversion (conversionStrategy) and validation, as upstream. */

export class KeyError extends Error {
  override readonly name = "KeyError";
}

const ALLOWED = /[\p{L}\p{N}._-]/u;

function convertKey(strategy: string | undefined, key: string): string {
  let out = "";
  for (const ch of key) {
    if (ALLOWED.test(ch)) out += ch;
    else if (strategy === "Unicode") out += `_U${ch.codePointAt(0)!.toString(16).padStart(4, "0")}_`;
    else if (strategy === "Default" || strategy === undefined || strategy === "") out += "_";
    else out += ch;
  }
  return out;
}

export function convertKeys(strategy: string | undefined, data: Record<string, Buffer>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(data)) {
    const key = convertKey(strategy, k);
    if (Object.hasOwn(out, key)) throw new KeyError(`secret name collision during conversion: ${key}`);
    out[key] = v;
  }
  return out;
}

/**
 * Upstream's ValidateKeys: empty keys are dropped (the remote had nothing there), over-long keys and keys
 * with characters other than letters, digits, '-', '.' and '_' are errors.
 */
export function validateKeys(data: Record<string, Buffer>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key.length === 0) continue;
    if (key.length > 253) throw new KeyError(`key has length ${key.length} but max is 253: ${key.slice(0, 253)}`);
    for (const ch of key) {
      if (!ALLOWED.test(ch)) {
        throw new KeyError(
          `invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has invalid character ${ch}, only alphanumeric, '-', '.' and '_' are allowed: ${key}`,
        );
      }
    }
    out[key] = value;
  }
  return out;
}
