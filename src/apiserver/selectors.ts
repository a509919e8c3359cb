import { badRequest } from "./errors.js";
import type { KObj } from "./types.js";

/** A compiled label or field selector: true when the object matches. */
export type Matcher = (obj: KObj) => boolean;

type Req =
  | { op: "eq" | "ne"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: Set<string> }
  | { op: "exists" | "notexists"; key: string };

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== "");
}

const setOp = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const cmpOp = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/;
const keyOnly = /^(!?)\s*([^\s!=()]+)$/;

export function parseLabelSelector(s: string): Req[] {
  const reqs: Req[] = [];
  for (const term of splitTerms(s)) {
    let m = setOp.exec(term);
    if (m) {
      const values = new Set(
        m[3]!
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== ""),
      );
      reqs.push({ op: m[2] as "in" | "notin", key: m[1]!, values });
      continue;
    }
    m = cmpOp.exec(term);
    if (m) {
      reqs.push({ op: m[2] === "!=" ? "ne" : "eq", key: m[1]!, value: m[3]! });
      continue;
    }
    m = keyOnly.exec(term);
    if (m) {
      reqs.push({ op: m[1] ? "notexists" : "exists", key: m[2]! });
      continue;
    }
    throw badRequest(`unable to parse requirement: invalid label selector: "${term}"`);
  }
  return reqs;
}

function matches(reqs: Req[], get: (key: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.key);
    switch (r.op) {
      case "eq":
        if (v !== r.value) return false;
        break;
      case "ne":
        if (v === r.value) return false;
        break;
      case "in":
        if (v === undefined || !r.values.has(v)) return false;
        break;
      case "notin":
        if (v !== undefined && r.values.has(v)) return false;
        break;
      case "exists":
        if (v === undefined) return false;
        break;
      case "notexists":
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

export function labelMatcher(s: string | null | undefined): Matcher | undefined {
  if (!s) return undefined;
  const reqs = parseLabelSelector(s);
  if (reqs.length === 0) return undefined;
  return (obj) => {
    const labels = obj.metadata?.labels as Record<string, string> | undefined;
    return matches(reqs, (k) => (labels && Object.hasOwn(labels, k) ? labels[k] : undefined));
  };
}

function fieldValue(obj: KObj, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as KObj)[part];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "object" ? JSON.stringify(cur) : String(cur);
}

/**
 * Field selectors: =, ==, != on a dotted path (metadata.name, metadata.namespace, involvedObject.uid, type, ...).
 * `allowed` is the kind's allowlist, refused outside it as kube does; undefined accepts any path (kinds whose list
 * we do not know, e.g. events, where kubectl describe selects on involvedObject fields).
 */
export function fieldMatcher(s: string | null | undefined, allowed?: string[]): Matcher | undefined {
  if (!s) return undefined;
  const reqs: { key: string; value: string; neg: boolean }[] = [];
  for (const term of splitTerms(s)) {
    const m = cmpOp.exec(term);
    if (!m) throw badRequest(`invalid field selector: "${term}"`);
    if (allowed && !allowed.includes(m[1]!)) {
      throw badRequest(`"${m[1]}" is not a known field selector: only ${allowed.map((f) => `"${f}"`).join(", ")}`);
    }
    reqs.push({ key: m[1]!, value: m[3]!, neg: m[2] === "!=" });
  }
  if (reqs.length === 0) return undefined;
  return (obj) => {
    for (const r of reqs) {
      const v = fieldValue(obj, r.key) ?? "";
      if ((v === r.value) === r.neg) return false;
    }
    return true;
  };
}

/** The single value a field selector pins metadata.name or metadata.namespace to, for O(1) lookups. */
export function pinnedField(s: string | null | undefined, key: string): string | undefined {
  if (!s) return undefined;
  for (const term of splitTerms(s)) {
    const m = cmpOp.exec(term);
    if (m && m[1] === key && m[2] !== "!=") return m[3];
  }
  return undefined;
}

const metaFields = ["metadata.name", "metadata.namespace"];
const builtinFields: Record<string, string[]> = {
  "/configmaps": metaFields,
  "/secrets": [...metaFields, "type"],
  "/namespaces": [...metaFields, "status.phase"],
  "/serviceaccounts": metaFields,
};

/** The field selector allowlist of a resource type; undefined when any path is accepted. */
export function selectableFields(rt: { group: string; resource: string; custom: boolean }): string[] | undefined {
  if (rt.custom) return metaFields;
  return builtinFields[`${rt.group}/${rt.resource}`];
}
