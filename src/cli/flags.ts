/**
 * Flag parsing for every `eso` subcommand: Go-style `--name=value` / `--name value` / `-name`, one-letter
 * shorthands also as `-fVALUE` (kubectl's -f, -o), booleans as `--flag` or `--flag=false` (any spelling Go's
 * strconv.ParseBool takes), repeatable flags, upstream's names, and a clear error naming any unknown or
 * malformed flag.
 */
import { parseDuration } from "../api/duration.js";

export type FlagType = "bool" | "string" | "int" | "float" | "duration";

export interface FlagSpec {
  type: FlagType;
  default: string;
  help: string;
  /** Other accepted spellings (e.g. --health-addr for --healthz-addr, "f" for -f). */
  alias?: string | string[];
  /** The only values a string flag accepts (when given). */
  choices?: string[];
  /** Bounds of an int flag. */
  min?: number;
  max?: number;
}

export class FlagError extends Error {
  override readonly name = "FlagError";
}

/** Parsed flags: `get` is the last value given (or the default); `all` every value given, in order. */
export class FlagValues extends Map<string, string> {
  private readonly given = new Map<string, string[]>();

  all(name: string): string[] {
    return this.given.get(name) ?? [];
  }

  /** Records a value given on the command line. */
  add(name: string, value: string): void {
    this.set(name, value);
    this.given.set(name, [...this.all(name), value]);
  }
}

/** Writes a usage error the same way for every command and returns its exit code, 2. */
export function usageError(
  command: string,
  message: string,
  stderr: { write(s: string): unknown } = process.stderr,
): number {
  stderr.write(`eso ${command}: ${message}\n\nRun 'eso ${command} --help' for usage.\n`);
  return 2;
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

/** How a flag is named in messages: as typed, `-f` for a one-letter name, `--name` otherwise. */
function shown(given: string): string {
  return given.length === 1 ? `-${given}` : `--${given}`;
}

/** Raw values by canonical flag name, defaults filled in. Throws FlagError naming the flag. */
export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): FlagValues {
  const byName = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, name);
    for (const alias of [spec.alias ?? []].flat()) byName.set(alias, name);
  }
  const values = new FlagValues(Object.entries(specs).map(([n, s]) => [n, s.default]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") throw new FlagError(`unexpected argument "${arg}"`);
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    let given = eq < 0 ? body : body.slice(0, eq);
    let name = byName.get(given);
    let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    const short = arg.startsWith("--") ? undefined : byName.get(body.slice(0, 1));
    if (!name && short && specs[short]!.type !== "bool") {
      // -fFILE: a one-letter flag with its value attached.
      given = body.slice(0, 1);
      name = short;
      value = body.slice(1);
    }
    if (!name) throw new FlagError(`unknown flag ${shown(given)}`);
    const spec = specs[name]!;
    if (value === undefined) {
      if (spec.type === "bool") value = "true";
      else {
        value = argv[++i];
        if (value === undefined) throw new FlagError(`flag ${shown(given)}: needs a value`);
      }
    }
    values.add(name, check(shown(given), spec, value));
  }
  return values;
}

const TRUE = ["1", "t", "T", "TRUE", "true", "True"];
const FALSE = ["0", "f", "F", "FALSE", "false", "False"];

/** The value as stored: booleans normalised to "true"/"false"; throws FlagError naming the flag. */
function check(flag: string, spec: FlagSpec, value: string): string {
  const { type } = spec;
  if (type === "bool") {
    if (TRUE.includes(value)) return "true";
    if (FALSE.includes(value)) return "false";
    throw new FlagError(`flag ${flag}: want true or false, got "${value}"`);
  }
  if (type === "int") {
    const n = Number(value);
    const { min = 0, max } = spec;
    if (!/^\d+$/.test(value) || n < min || (max !== undefined && n > max)) {
      const range = max !== undefined ? ` from ${min} to ${max}` : min > 0 ? ` >= ${min}` : "";
      throw new FlagError(`flag ${flag}: want an integer${range}, got "${value}"`);
    }
  }
  if (type === "float" && (value.trim() === "" || !Number.isFinite(Number(value)) || Number(value) < 0)) {
    throw new FlagError(`flag ${flag}: want a number >= 0, got "${value}"`);
  }
  if (type === "duration") {
    try {
      if (parseDuration(value) <= 0) throw new Error("not positive");
    } catch {
      throw new FlagError(`flag ${flag}: want a positive duration such as 5m or 720h, got "${value}"`);
    }
  }
  if (spec.choices && !spec.choices.includes(value)) {
    const last = spec.choices.at(-1);
    const options = spec.choices.length > 1 ? `${spec.choices.slice(0, -1).join(", ")} or ${last}` : last;
    throw new FlagError(`flag ${flag}: want ${options}, got "${value}"`);
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
