/**
 * Cutting known secret values out of error text (template errors, provider responses) before it reaches status,
 * events or logs. Values of four or more characters are replaced wherever they occur, also in the escaped form
 * %q / JSON quoting gives them. Shorter values are far too common as substrings ("1", "ab") to cut out without
 * mangling the text, so they are only looked for as whole tokens, and the caller decides what to withhold.
 */
export const REDACTED = "[redacted]";

const MIN_SUBSTRING = 4;
const WORD = /[\p{L}\p{N}_]/u;

export interface Redaction {
  text: string;
  /** A value under four characters occurs in the text as a whole token: the text may still show it. */
  shortValueSeen: boolean;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch);
}

/** Whether `value` occurs in `text` with no letter, digit or underscore glued to either side. */
export function containsToken(text: string, value: string): boolean {
  if (!value) return false;
  for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) {
    const before = isWordChar(value[0]) && isWordChar(text[i - 1]);
    const after = isWordChar(value[value.length - 1]) && isWordChar(text[i + value.length]);
    if (!before && !after) return true;
  }
  return false;
}

export function redactValues(text: string, values: Iterable<string>): Redaction {
  const long = new Set<string>();
  const short = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    if (v.length < MIN_SUBSTRING) {
      short.add(v);
      continue;
    }
    long.add(v);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) long.add(escaped);
  }
  let out = text;
  for (const v of [...long].sort((a, b) => b.length - a.length)) out = out.replaceAll(v, REDACTED);
  let shortValueSeen = false;
  for (const v of short) {
    if (containsToken(out, v)) {
      shortValueSeen = true;
      break;
    }
  }
  return { text: out, shortValueSeen };
}

/** Every string in a JSON-like value (a request body, generator parameters). */
export function stringLeaves(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 32 || value === null || value === undefined) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out, depth + 1);
  else if (typeof value === "object") for (const v of Object.values(value)) stringLeaves(v, out, depth + 1);
  return out;
}
