/**
 * dataFrom[].select as upstream: each rule matches the current key names (after rewrite) by exact `names` or a Go
 * `regexp` (either one matching is enough). Exclude drops the matched keys; Include keeps only the matched keys
 * still present, so a key dropped by an earlier rule never comes back.
 */
import type { ExternalSecretSelect } from "../../../api/externalsecret.js";
import { GoRegexp } from "../../../regexp/go-regexp.js";

export class SelectError extends Error {
  override readonly name = "SelectError";
}

export function selectKeys<V>(rules: ExternalSecretSelect[] | undefined, data: Record<string, V>): Record<string, V> {
  let out = data;
  for (const [i, rule] of (rules ?? []).entries()) {
    const matches = matcher(rule, i);
    const include = rule.operation === "Include";
    const next: Record<string, V> = {};
    for (const [key, value] of Object.entries(out)) {
      if (matches(key) === include) next[key] = value;
    }
    out = next;
  }
  return out;
}

function matcher(rule: ExternalSecretSelect, index: number): (key: string) => boolean {
  const names = new Set(rule.names ?? []);
  if (rule.regexp === undefined) {
    if (names.size === 0)
      throw new SelectError(`select[${index}]: either regexp or at least one name must be specified`);
    return (key) => names.has(key);
  }
  let re: GoRegexp;
  try {
    re = GoRegexp.of(rule.regexp);
  } catch (err) {
    throw new SelectError(`select[${index}]: invalid regexp: ${(err as Error).message}`);
  }
  return (key) => names.has(key) || re.matches(key);
}
