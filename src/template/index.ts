/**
 * Go text/template for secret templates: parse (cached by content) and execute with Go's
 * semantics and error messages. See values.ts for the value model shared with functions, and signature.ts for
 * how functions declare their Go signatures.
 */
import { BUILTINS } from "./builtins.js";
import { TemplateCache } from "./cache.js";
import { TemplateError } from "./errors.js";
import { DEFAULT_LIMITS, executeTemplate, type Limits, type MissingKey, type ParsedTemplate } from "./exec.js";
import { defaultFuncs } from "./funcs/index.js";
import { parseTemplate } from "./parser.js";
import { type FuncMap, isMap, mapElemType, typedMap } from "./values.js";

export * from "./cast.js";
export { formatBytes, formatMs, type TemplateLimit, TemplateLimitError } from "./errors.js";
export { DEFAULT_LIMITS, type Limits, type MissingKey, type ParsedTemplate } from "./exec.js";
export { sprint, sprintf, sprintln } from "./fmt.js";
export * from "./go-duration.js";
export * from "./go-ints.js";
export * from "./go-reflect.js";
export * from "./go-time.js";
export { containsToken, REDACTED, type Redaction, redactValues, stringLeaves } from "./redact.js";
export { funcSignature, GoArgError, type GoSignature, goFunc, parseSignature, passArgs } from "./signature.js";
export * from "./values.js";
export { TemplateError };

export interface TemplateOptions {
  leftDelim?: string;
  rightDelim?: string;
  missingKey?: MissingKey;
  funcs?: FuncMap;
  limits?: Partial<Limits>;
}

const EXTRA_BUILTINS = new Set(["and", "or", "call"]);
const EMPTY_FUNCS: FuncMap = {};
const cache = new TemplateCache(512);
const funcIds = new WeakMap<FuncMap, number>();
let nextFuncId = 1;

function funcId(funcs: FuncMap): number {
  let id = funcIds.get(funcs);
  if (id === undefined) {
    id = nextFuncId++;
    funcIds.set(funcs, id);
  }
  return id;
}

/** Parse a template (and its {{define}}s); results are cached by name, delimiters, function set and text. */
export function parse(name: string, text: string, opts: TemplateOptions = {}): ParsedTemplate {
  const funcs = opts.funcs ?? EMPTY_FUNCS;
  const ld = opts.leftDelim || "{{";
  const rd = opts.rightDelim || "}}";
  const key = `${funcId(funcs)}\u0000${ld}\u0000${rd}\u0000${name}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let trees: ParsedTemplate["trees"];
  try {
    trees = parseTemplate(name, text, {
      leftDelim: ld,
      rightDelim: rd,
      hasFunction: (f) => Object.hasOwn(funcs, f) || Object.hasOwn(BUILTINS, f) || EXTRA_BUILTINS.has(f),
    });
  } catch (e) {
    // Go's parser goes deeper than the JS stack; thousands of nested parentheses or blocks end here.
    if (e instanceof RangeError) throw new TemplateError(`template: ${name}: template nesting too deep to parse`);
    throw e;
  }
  const parsed: ParsedTemplate = { name, trees };
  cache.set(key, parsed);
  return parsed;
}

/** Execute a parsed template against data. */
export function execute(tmpl: ParsedTemplate, data: unknown, opts: TemplateOptions = {}): string {
  const limits = opts.limits ? { ...DEFAULT_LIMITS, ...opts.limits } : DEFAULT_LIMITS;
  return executeTemplate(tmpl, data, opts.funcs ?? EMPTY_FUNCS, opts.missingKey ?? "default", limits);
}

/** Parse (cached) and execute a template; throws TemplateError with Go's message on failure. */
export function render(name: string, text: string, data: unknown, opts: TemplateOptions = {}): string {
  return execute(parse(name, text, opts), data, opts);
}

/**
 * Render as ESO's template engine v2 does: missingkey=error and ESO's function map
 * (Go builtins, Sprig and ESO's functions) unless opts.funcs replaces it.
 */
export function renderESO(name: string, text: string, data: unknown, opts: TemplateOptions = {}): string {
  const funcs = opts.funcs ?? (defaultFuncs() as FuncMap);
  return render(name, text, asStringMap(data), { ...opts, funcs, missingKey: "error" });
}

/**
 * ESO hands templates a map[string]string: typed as such, a missing key indexes to "", `.key.x` fails on a
 * string and %T prints map[string]string, as in Go. Other data is left as it is.
 */
function asStringMap(data: unknown): unknown {
  if (!isMap(data) || mapElemType(data) !== "interface {}") return data;
  if (!Object.values(data).every((v) => typeof v === "string")) return data;
  return typedMap({ ...data }, "string");
}

/** Drop all cached parse trees. */
export function clearTemplateCache(): void {
  cache.clear();
}

export function templateCacheSize(): number {
  return cache.size;
}
