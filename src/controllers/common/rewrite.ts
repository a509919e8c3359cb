/** dataFrom[].rewrite as upstream: regexp (Go ReplaceAllString), transform (template on the key), merge. */
import type { ExternalSecretRewrite } from "../../api/externalsecret.js";
import { formatFloatF } from "../../providers/util/json-value.js";
import { GoRegexp } from "../../regexp/go-regexp.js";
import type { RenderTemplate } from "./secret-template.js";

export class RewriteError extends Error {
  override readonly name = "RewriteError";
}

export async function rewriteMap(
  operations: ExternalSecretRewrite[] | undefined,
  data: Record<string, Buffer>,
  render: RenderTemplate,
): Promise<Record<string, Buffer>> {
  let out = data;
  for (const [i, op] of (operations ?? []).entries()) {
    try {
      if (op.merge) out = rewriteMerge(op.merge, out);
      else if (op.regexp) out = rewriteRegexp(op.regexp.source, op.regexp.target, out);
      else if (op.transform) out = await rewriteTransform(op.transform.template, out, render);
    } catch (err) {
      throw new RewriteError(`failed rewrite operation[${i}]: ${(err as Error).message}`);
    }
  }
  return out;
}

function rewriteRegexp(source: string, target: string, data: Record<string, Buffer>): Record<string, Buffer> {
  let re: GoRegexp;
  try {
    re = GoRegexp.of(source);
  } catch (err) {
    throw new RewriteError(`regexp failed with failed to compile: ${(err as Error).message}`);
  }
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(data)) {
    out[re.replaceAll(key, (m) => re.expand(target, m))] = value;
  }
  return out;
}

async function rewriteTransform(
  template: string,
  data: Record<string, Buffer>,
  render: RenderTemplate,
): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(data)) {
    let newKey: string;
    try {
      newKey = await render("transform", template, { value: key });
    } catch (err) {
      throw new RewriteError(`transform failed with failed to transform key: ${(err as Error).message}`);
    }
    out[newKey] = value;
  }
  return out;
}

interface MergeOperation {
  into?: string;
  priority?: string[];
  conflictPolicy?: "Ignore" | "Error";
  strategy?: "Extract" | "JSON";
  priorityPolicy?: "Strict" | "IgnoreNotFound";
}

function rewriteMerge(op: MergeOperation, data: Record<string, Buffer>): Record<string, Buffer> {
  const priority = op.priority ?? [];
  const keys = [
    ...Object.keys(data)
      .filter((k) => !priority.includes(k))
      .sort(),
    ...priority,
  ];
  const merged = new Map<string, unknown>();
  const conflicts: string[] = [];
  for (const key of keys) {
    const value = data[key];
    if (value === undefined) {
      if (op.priorityPolicy === "IgnoreNotFound") continue;
      throw new RewriteError(`merge failed with key ${JSON.stringify(key)} not found in input map`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString("utf8"));
    } catch {
      throw new RewriteError(`merge failed with failed to unmarshal JSON of key ${JSON.stringify(key)}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new RewriteError(`merge failed with failed to unmarshal JSON of key ${JSON.stringify(key)}`);
    }
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (merged.has(k)) conflicts.push(k);
      merged.set(k, v);
    }
  }
  if (op.conflictPolicy !== "Ignore" && conflicts.length > 0) {
    throw new RewriteError(`merge failed with conflicts: ${conflicts.join(", ")}`);
  }
  if (op.strategy === "JSON") {
    if (!op.into) throw new RewriteError("merge failed with missing 'into' field");
    const out: Record<string, Buffer> = { ...data };
    out[op.into] = Buffer.from(goJsonMarshal(Object.fromEntries(merged), false), "utf8");
    return out;
  }
  const out: Record<string, Buffer> = {};
  for (const [k, v] of merged) out[k] = goByteValue(v);
  return out;
}

/** Upstream's GetByteValue for a JSON-decoded value. */
export function goByteValue(v: unknown): Buffer {
  if (v === null || v === undefined) return Buffer.alloc(0);
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (typeof v === "number") return Buffer.from(formatFloatF(v), "utf8");
  if (typeof v === "boolean") return Buffer.from(String(v), "utf8");
  return Buffer.from(goJsonMarshal(v, true), "utf8");
}

/** Go's encoding/json output: map keys sorted, floats in Go's format, optional HTML escaping. */
export function goJsonMarshal(v: unknown, escapeHtml: boolean): string {
  const enc = (x: unknown): string => {
    if (x === null || x === undefined) return "null";
    if (typeof x === "string") {
      let s = JSON.stringify(x)
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029");
      if (escapeHtml) s = s.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
      return s;
    }
    if (typeof x === "number") return goFloatJson(x);
    if (typeof x === "boolean") return String(x);
    if (Array.isArray(x)) return `[${x.map(enc).join(",")}]`;
    const obj = x as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${enc(k)}:${enc(obj[k])}`)
      .join(",")}}`;
  };
  return enc(v);
}

/** encoding/json float64 formatting: 'f' format unless the exponent is < -6 or >= 21. */
function goFloatJson(n: number): string {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return n
      .toExponential()
      .replace(/e([+-])(\d)$/, "e$10$2")
      .replace("e+", "e+");
  }
  return formatFloatF(n);
}
