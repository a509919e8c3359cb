/**
 * Go function signatures of template functions. Go's text/template checks the argument count of a call and
 * converts every argument to its parameter's type by reflection before calling (exec.go: evalCall, evalArg,
 * validateType); a function declares its signature with goFunc, written as reflect prints it, e.g.
 * goFunc("func(int, string) string", (count: bigint, s: string) => ...), and then receives exactly those types.
 */
import { goTypeName, isMap, mapElemType, sliceElemType, type TemplateFunc } from "./values.js";

/** How the evaluator treats a parameter: reflect's kind, plus `reflect` for the builtins' reflect.Value. */
export type ParamKind =
  | "bool"
  | "int"
  | "uint"
  | "float"
  | "string"
  | "interface"
  | "map"
  | "slice"
  | "ptr"
  | "struct"
  | "func"
  | "reflect";

export interface GoParamType {
  /** The type as Go prints it ("map[string]interface {}", "time.Duration"). */
  readonly name: string;
  readonly kind: ParamKind;
  /** Go's canBeNil: nil (or a missing value) passes as the type's zero value. */
  readonly canBeNil: boolean;
  /** Element type of a slice or map[string] type ("interface {}" for []interface {}). */
  readonly elem: string | undefined;
}

export interface GoSignature {
  readonly text: string;
  /** Parameters before the variadic one. */
  readonly params: readonly GoParamType[];
  /** Element type of the final `...T` parameter. */
  readonly variadic: GoParamType | undefined;
  readonly results: readonly string[];
}

const BASIC_KINDS: Record<string, ParamKind> = {
  bool: "bool",
  string: "string",
  int: "int",
  int8: "int",
  int16: "int",
  int32: "int",
  int64: "int",
  uint: "uint",
  uint8: "uint",
  uint16: "uint",
  uint32: "uint",
  uint64: "uint",
  float32: "float",
  float64: "float",
  "interface {}": "interface",
  // named types that appear in signatures, by their underlying kind
  "time.Duration": "int",
  "time.Time": "struct",
  "sprig.certificate": "struct",
  "reflect.Value": "reflect",
};

function paramType(name: string): GoParamType {
  let kind = BASIC_KINDS[name];
  if (!kind) {
    if (name.startsWith("[]")) kind = "slice";
    else if (name.startsWith("map[")) kind = "map";
    else if (name.startsWith("*")) kind = "ptr";
    else if (name.startsWith("func(")) kind = "func";
    else throw new Error(`unknown Go type in a template function signature: ${name}`);
  }
  const canBeNil = ["interface", "map", "slice", "ptr", "func", "reflect"].includes(kind);
  const elem = kind === "slice" ? name.slice(2) : name.startsWith("map[string]") ? name.slice(11) : undefined;
  return { name, kind, canBeNil, elem };
}

/** Splits "a, b, c" at top-level commas (types such as map[string]interface {} hold no commas, func types may). */
function splitList(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== "" || out.length > 0) out.push(last);
  return out;
}

/** Parses a signature as reflect.Type.String() prints a func type: "func(string, ...interface {}) (string, error)". */
export function parseSignature(text: string): GoSignature {
  if (!text.startsWith("func(")) throw new Error(`not a func signature: ${text}`);
  let depth = 0;
  let close = -1;
  for (let i = 4; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) throw new Error(`not a func signature: ${text}`);
  const names = splitList(text.slice(5, close));
  const rest = text.slice(close + 1).trim();
  const results = rest === "" ? [] : rest.startsWith("(") ? splitList(rest.slice(1, -1)) : [rest];
  let variadic: GoParamType | undefined;
  const last = names.at(-1);
  if (last?.startsWith("...")) {
    names.pop();
    variadic = paramType(last.slice(3));
  }
  if (results.length > 2 || (results.length === 2 && results[1] !== "error")) {
    throw new Error(`a template function returns one value, or a value and an error: ${text}`);
  }
  return { text, params: names.map(paramType), variadic, results };
}

const SIGNATURE = Symbol.for("eso.template.signature");

/**
 * Declare fn's Go signature (parsed once, here); the evaluator checks and converts arguments by it. The
 * declaration is stored on fn: a function object shared by two template functions must have one signature.
 */
export function goFunc<F extends (...args: never[]) => unknown>(signature: string, fn: F): TemplateFunc {
  const declared = funcSignature(fn as unknown as TemplateFunc);
  if (declared && declared.text !== signature) {
    throw new Error(`${fn.name || "a function"} is declared as both ${declared.text} and ${signature}`);
  }
  Object.defineProperty(fn, SIGNATURE, { value: parseSignature(signature), enumerable: false, configurable: true });
  return fn as unknown as TemplateFunc;
}

export function funcSignature(fn: TemplateFunc): GoSignature | undefined {
  return (fn as unknown as Record<symbol, GoSignature | undefined>)[SIGNATURE];
}

/**
 * The parameter type of argument `i` (0-based) of a call whose argument count was checked; a pipeline's final
 * value is the argument after the written ones, which is Go's rule for it too.
 */
export function paramAt(sig: GoSignature, i: number): GoParamType {
  return i < sig.params.length ? sig.params[i]! : sig.variadic!;
}

/** Go's argument-count error for a call with `numIn` arguments (`written` of them in the template), if any. */
export function arityError(sig: GoSignature, name: string, numIn: number, written: number): string | undefined {
  const fixed = sig.params.length;
  if (sig.variadic) {
    return numIn < fixed ? `wrong number of args for ${name}: want at least ${fixed} got ${written}` : undefined;
  }
  return numIn !== fixed ? `wrong number of args for ${name}: want ${fixed} got ${numIn}` : undefined;
}

/** A value that cannot be passed as a parameter's type; the message is Go's. */
export class GoArgError extends Error {}

/**
 * Go's validateType: `value` (undefined: Go's invalid value, e.g. a missing result; null: a nil interface{} taken
 * out of a list or map) as an argument of type `t`. Returns what the function receives or throws GoArgError.
 */
export function passAs(value: unknown, t: GoParamType): unknown {
  switch (t.kind) {
    case "interface":
      return value === undefined ? null : value;
    case "reflect":
      return value;
    case "string":
      if (typeof value === "string") return value;
      break;
    case "int":
      if (typeof value === "bigint" && t.name === "int") return value;
      break;
    case "bool":
      if (typeof value === "boolean") return value;
      break;
    case "float":
      if (typeof value === "number" && t.name === "float64") return value;
      break;
    case "map":
      if (isMap(value) && mapElemType(value) === t.elem) return value;
      break;
    case "slice":
      if (Array.isArray(value) && sliceElemType(value) === t.elem) return value;
      break;
  }
  if (value === undefined) {
    if (t.canBeNil) return null;
    throw new GoArgError(`invalid value; expected ${t.name}`);
  }
  // a nil interface{} (from a []interface{} or map[string]interface{}) has no dynamic type to unwrap to
  const got = value === null ? "interface {}" : goTypeName(value);
  if (got === t.name) return value;
  throw new GoArgError(`wrong type for value; expected ${t.name}; got ${got}`);
}

/**
 * Checks and converts arguments given as values (a function called outside a template): the argument count,
 * then each argument's type, as for a template's variables; null or undefined stands for nil.
 */
export function passArgs(name: string, fn: TemplateFunc, args: readonly unknown[]): unknown[] {
  const sig = funcSignature(fn);
  if (!sig) return [...args];
  const err = arityError(sig, name, args.length, args.length);
  if (err) throw new GoArgError(err);
  return args.map((a, i) => passAs(a ?? undefined, paramAt(sig, i)));
}
