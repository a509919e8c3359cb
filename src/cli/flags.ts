/**
 * Flag parsing for `eso controller`, `eso webhook` and `eso certcontroller`: Go-style `--name=value` /
 * `--name value` / `-name`, booleans as `--flag` or `--flag=false` (any spelling Go's strconv.ParseBool takes),
 * upstream's names, and a clear error naming any unknown or malformed flag.
 */
import { parseDuration } from "../api/duration.js";

export type FlagType = "bool" | "string" | "int" | "float" | "duration";

export interface FlagSpec {
  type: FlagType;
  default: string;
  help: string;
  /** Other accepted spellings (e.g. --health-addr for --healthz-addr). */
  alias?: string | string[];
}

export class FlagError extends Error {
  override readonly name = "FlagError";
}

export function flagHelp(specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([name, f]) => {
    const left = `  --${name}${f.type === "bool" ? "" : ` ${f.type}`}`;
    const def = f.default === "" ? "" : ` (default ${f.type === "string" ? `"${f.default}"` : f.default})`;
    return [left, `${f.help}${def}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, text]) => `${left.padEnd(width)}${text}`).join("\n");
}

/** Raw values by canonical flag name, defaults filled in. */
export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): Map<string, string> {
  const byName = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, name);
    for (const alias of [spec.alias ?? []].flat()) byName.set(alias, name);
  }
  const values = new Map(Object.entries(specs).map(([n, s]) => [n, s.default]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) throw new FlagError(`unexpected argument "${arg}"`);
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const given = eq < 0 ? body : body.slice(0, eq);
    const name = byName.get(given);
    if (!name) throw new FlagError(`unknown flag --${given}`);
    const spec = specs[name]!;
    let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    if (value === undefined) {
      if (spec.type === "bool") value = "true";
      else {
        value = argv[++i];
        if (value === undefined) throw new FlagError(`flag --${given}: needs a value`);
      }
    }
    values.set(name, check(given, spec.type, value));
  }
  return values;
}

const TRUE = ["1", "t", "T", "TRUE", "true", "True"];
const FALSE = ["0", "f", "F", "FALSE", "false", "False"];

/** The value as stored: booleans normalised to "true"/"false"; throws FlagError naming the flag. */
function check(flag: string, type: FlagType, value: string): string {
  if (type === "bool") {
    if (TRUE.includes(value)) return "true";
    if (FALSE.includes(value)) return "false";
    throw new FlagError(`flag --${flag}: want true or false, got "${value}"`);
  }
  if (type === "int" && !/^\d+$/.test(value)) throw new FlagError(`flag --${flag}: want an integer, got "${value}"`);
  if (type === "float" && (value.trim() === "" || !Number.isFinite(Number(value)) || Number(value) < 0)) {
    throw new FlagError(`flag --${flag}: want a number >= 0, got "${value}"`);
  }
  if (type === "duration") {
    try {
      if (parseDuration(value) <= 0) throw new Error("not positive");
    } catch {
      throw new FlagError(`flag --${flag}: want a positive duration such as 5m or 720h, got "${value}"`);
    }
  }
  return value;
}

/** Values typed by their spec: booleans as booleans, int and float as numbers, the rest as strings. */
export function typedFlags(
  values: Map<string, string>,
  specs: Record<string, FlagSpec>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, raw] of values) {
    const type = specs[name]?.type;
    out[name] = type === "bool" ? raw === "true" : type === "int" || type === "float" ? Number(raw) : raw;
  }
  return out;
}

/** Resolves when the process gets SIGTERM or SIGINT. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
