/**
 * JSONPath for webhook `result.jsonPath`: `$`, `.name`, `['name']`, `[n]` (negative from the end), `*` / `[*]`,
 * recursive descent `..`, and filters `[?(@.a.b == 'v')]` (==, !=, <, <=, >, >=, or bare existence).
 * A definite path (no wildcard, descent or filter) yields one value; otherwise the list of matches.
 */

export class JsonPathError extends Error {
  override readonly name = "JsonPathError";
}

type Step =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "descent" }
  | { kind: "filter"; path: string[]; op?: string; value?: unknown };

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^'.*'$/s.test(t)) return t.slice(1, -1);
  try {
    return JSON.parse(t);
  } catch {
    throw new JsonPathError(`invalid literal ${t} in filter`);
  }
}

function parse(path: string): Step[] {
  const p = path.trim();
  if (!p.startsWith("$")) throw new JsonPathError(`JSONPath must start with $: ${path}`);
  const steps: Step[] = [];
  let i = 1;
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
    throw new JsonPathError(`unexpected character "${p[i]}" in JSONPath ${path}`);
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

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
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

function apply(nodes: unknown[], step: Step): unknown[] {
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
        const stack = [n];
        while (stack.length) {
          const cur = stack.shift();
          out.push(cur);
          stack.push(...children(cur));
        }
        break;
      }
      case "filter":
        for (const c of children(n)) {
          let v: unknown = c;
          for (const k of step.path) v = v === MISSING ? MISSING : child(v, k);
          if (v === MISSING) continue;
          if (!step.op || compare(v, step.op, step.value)) out.push(c);
        }
        break;
    }
  }
  return out;
}

/** Evaluates `path` on a parsed JSON document. Throws JsonPathError when a definite path matches nothing. */
export function evaluateJsonPath(doc: unknown, path: string): unknown {
  const steps = parse(path);
  let nodes: unknown[] = [doc];
  for (const s of steps) nodes = apply(nodes, s);
  const definite = steps.every((s) => s.kind === "key" || s.kind === "index");
  if (!definite) return nodes;
  if (nodes.length === 0) throw new JsonPathError(`JSONPath ${path} matched nothing`);
  return nodes[0];
}
