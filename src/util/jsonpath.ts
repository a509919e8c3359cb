/**
 * The path steps two JSONPath dialects share, parsed and applied in one place: `.name`, `['name']`, `[n]` (negative
 * from the end), `*` / `[*]`, recursive descent `..`, and filters `[?(@.a.b == 'v')]` (==, !=, <, <=, >, >=, or bare
 * existence). The dialects differ around the steps, so each keeps its own entry point:
 * - webhook `result.jsonPath` follows PaesslerAG/jsonpath as upstream ESO does: `$` is required, a definite path
 *   yields one value and an unmatched one is an error, filters run over object members too and compare typed values;
 * - printer columns follow Kubernetes JSONPath: an optional `{...}` template and `$`, the matches are a list (none
 *   is an empty cell), filters run over arrays only.
 */

export class JsonPathError extends Error {
  override readonly name = "JsonPathError";
}

export type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "descent" }
  | { kind: "filter"; path: string[]; op?: string; value?: unknown };

/** How a dialect applies filters: over which containers, and what `==` means. */
export interface FilterRules {
  /** Filters also select among an object's member values, not only an array's items. */
  overObjects: boolean;
  equals(actual: unknown, literal: unknown): boolean;
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^'.*'$/s.test(t)) return t.slice(1, -1);
  try {
    return JSON.parse(t);
  } catch {
    throw new JsonPathError(`invalid literal ${t} in filter`);
  }
}

/** Parses the steps of `p` from index `start` (after any root `$`); `shown` is the path as errors quote it. */
export function parseSteps(p: string, start: number, shown: string): Step[] {
  const steps: Step[] = [];
  let i = start;
  while (i < p.length) {
    if (p.startsWith("..", i)) {
      steps.push({ kind: "descent" });
      i += 2;
      if (p[i] !== "[") i = readName(p, i, steps);
      continue;
    }
    if (p[i] === ".") {
      i = readName(p, i + 1, steps);
      continue;
    }
    if (p[i] === "[") {
      const end = findClose(p, i);
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") steps.push({ kind: "wildcard" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/s.test(inner)) steps.push({ kind: "key", key: inner.slice(1, -1) });
      else if (inner.startsWith("?(") && inner.endsWith(")")) steps.push(parseFilter(inner.slice(2, -1)));
      else throw new JsonPathError(`unsupported JSONPath segment [${inner}]`);
      continue;
    }
    throw new JsonPathError(`unexpected character "${p[i]}" in JSONPath ${shown}`);
  }
  return steps;
}

function readName(p: string, i: number, steps: Step[]): number {
  const m = /^(\*|[^.[\]]+)/.exec(p.slice(i));
  if (!m) throw new JsonPathError(`missing member name in JSONPath at ${i}`);
  steps.push(m[1] === "*" ? { kind: "wildcard" } : { kind: "key", key: m[1]! });
  return i + m[1]!.length;
}

function findClose(p: string, start: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = start; i < p.length; i++) {
    const c = p[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      depth--;
      if (depth === 0 && c === "]") return i;
    }
  }
  throw new JsonPathError("unterminated [ in JSONPath");
}

function parseFilter(expr: string): Step {
  const m = /^@((?:\.[\w-]+)*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?$/s.exec(expr.trim());
  if (!m) throw new JsonPathError(`unsupported JSONPath filter ${expr}`);
  const path = (m[1] ?? "").split(".").filter(Boolean);
  return m[2] ? { kind: "filter", path, op: m[2], value: parseLiteral(m[3]!) } : { kind: "filter", path };
}

/** True when the steps name at most one value (no wildcard, descent or filter). */
export function isDefinite(steps: Step[]): boolean {
  return steps.every((s) => s.kind === "key" || s.kind === "index");
}

const MISSING = Symbol("missing");

function child(v: unknown, key: string): unknown {
  if (v && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, key))
    return (v as Record<string, unknown>)[key];
  return MISSING;
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object") return Object.values(v);
  return [];
}

function compare(a: unknown, op: string, b: unknown, rules: FilterRules): boolean {
  switch (op) {
    case "==":
      return rules.equals(a, b);
    case "!=":
      return !rules.equals(a, b);
    case "<":
      return (a as number) < (b as number);
    case "<=":
      return (a as number) <= (b as number);
    case ">":
      return (a as number) > (b as number);
    default:
      return (a as number) >= (b as number);
  }
}

function apply(nodes: unknown[], step: Step, rules: FilterRules): unknown[] {
  const out: unknown[] = [];
  for (const n of nodes) {
    switch (step.kind) {
      case "key": {
        const c = child(n, step.key);
        if (c !== MISSING) out.push(c);
        break;
      }
      case "index":
        if (Array.isArray(n)) {
          const idx = step.index < 0 ? n.length + step.index : step.index;
          if (idx >= 0 && idx < n.length) out.push(n[idx]);
        }
        break;
      case "wildcard":
        out.push(...children(n));
        break;
      case "descent": {
        // Breadth-first; an index instead of shift() keeps large documents linear.
        const queue = [n];
        for (let k = 0; k < queue.length; k++) {
          out.push(queue[k]);
          queue.push(...children(queue[k]));
        }
        break;
      }
      case "filter":
        if (!rules.overObjects && !Array.isArray(n)) break;
        for (const c of children(n)) {
          let v: unknown = c;
          for (const k of step.path) v = v === MISSING ? MISSING : child(v, k);
          if (v === MISSING) continue;
          if (!step.op || compare(v, step.op, step.value, rules)) out.push(c);
        }
        break;
    }
  }
  return out;
}

/** Every value the steps select from `doc`, in document order. */
export function selectSteps(doc: unknown, steps: Step[], rules: FilterRules): unknown[] {
  let nodes: unknown[] = [doc];
  for (const s of steps) nodes = apply(nodes, s, rules);
  return nodes;
}
