/**
 * Normalises API responses so that two servers' answers to the same request compare equal when they differ only in
 * values each server picks for itself: uids, timestamps, resourceVersions, continue tokens, generateName suffixes,
 * ages in tables and kubectl output.
 */
import { isDeepStrictEqual } from "node:util";

const timeKeys = new Set([
  "creationTimestamp",
  "deletionTimestamp",
  "time",
  "lastTransitionTime",
  "lastTimestamp",
  "firstTimestamp",
  "eventTime",
  "lastUpdateTime",
  "refreshTime",
]);
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const age = /^(\d+(ms|s|m|h|d|y))+$/;

export function normaliseString(s: string): string {
  return s.replace(uuid, "<uid>");
}

/** A copy of `v` with the per-server values replaced by placeholders. */
export function normalise(v: unknown): unknown {
  if (typeof v === "string") return normaliseString(v);
  if (Array.isArray(v)) return v.map(normalise);
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [rawKey, val] of Object.entries(o)) {
    // managedFields keys name list elements by uid: k:{"uid":"..."}.
    const k = normaliseString(rawKey);
    if (k === "uid" && typeof val === "string") out[k] = "<uid>";
    else if (timeKeys.has(k) && typeof val === "string") out[k] = "<time>";
    else if (k === "resourceVersion" && typeof val === "string" && val !== "") out[k] = "<rv>";
    else if (k === "continue" && typeof val === "string" && val !== "") out[k] = "<continue>";
    else out[k] = normalise(val);
  }
  if (typeof o.generateName === "string" && typeof o.name === "string" && o.name.startsWith(o.generateName)) {
    out.name = `${o.generateName}<suffix>`;
  }
  // Tables: the Age column is a duration since creation.
  if (o.kind === "Table" && Array.isArray(o.columnDefinitions) && Array.isArray(out.rows)) {
    const ageIdx = (o.columnDefinitions as { name: string }[]).findIndex((c) => c.name === "Age");
    if (ageIdx >= 0) {
      for (const row of out.rows as { cells?: unknown[] }[]) if (row.cells) row.cells[ageIdx] = "<age>";
    }
  }
  return out;
}

/** kubectl's printed output: ages replaced, column padding collapsed, uids replaced. */
export function normaliseText(s: string): string {
  return s
    .split("\n")
    .map((line) =>
      normaliseString(line)
        .trim()
        .split(/\s+/)
        .map((tok) => (age.test(tok) ? "<age>" : tok))
        .join(" "),
    )
    .filter((l) => l !== "")
    .join("\n");
}

export function equal(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

/** Paths where two normalised values differ, each with both sides shortened. */
export function differences(a: unknown, b: unknown, path = "", out: string[] = [], limit = 12): string[] {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  const bothObjects = a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (bothObjects) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of [...keys].sort()) {
      differences((a as any)[k], (b as any)[k], `${path}/${k}`, out, limit);
    }
    return out;
  }
  out.push(`${path || "/"}: real=${short(a)} ours=${short(b)}`);
  return out;
}

function short(v: unknown): string {
  const s = v === undefined ? "(absent)" : JSON.stringify(v);
  return s.length > 240 ? `${s.slice(0, 240)}…` : s;
}
