/**
 * Flag parsing for `eso webhook` and `eso certcontroller`: Go-style `--name=value` / `--name value`, booleans as
 * `--flag` or `--flag=false`, upstream's names, and a clear error naming any unknown or malformed flag.
 */
import { parseDuration } from "../api/duration.js";

export type FlagType = "bool" | "string" | "int" | "duration";

export interface FlagSpec {
  type: FlagType;
  default: string;
  help: string;
  /** Another accepted spelling (e.g. --health-addr for --healthz-addr). */
  alias?: string;
}

export class FlagError extends Error {
  override readonly name = "FlagError";
}

export function flagHelp(specs: Record<string, FlagSpec>): string {
  const width = Math.max(...Object.keys(specs).map((n) => n.length)) + 16;
  return Object.entries(specs)
    .map(([name, f]) => {
      const left = `  --${name}${f.type === "bool" ? "" : ` ${f.type}`}`;
      const def = f.default === "" ? "" : ` (default ${f.type === "string" ? `"${f.default}"` : f.default})`;
      return `${left.padEnd(width)}${f.help}${def}`;
    })
    .join("\n");
}

/** Raw values by canonical flag name, defaults filled in. */
export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): Map<string, string> {
  const byName = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, name);
    if (spec.alias) byName.set(spec.alias, name);
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
    check(given, spec.type, value);
    values.set(name, value);
  }
  return values;
}

function check(flag: string, type: FlagType, value: string): void {
  if (type === "bool" && value !== "true" && value !== "false") {
    throw new FlagError(`flag --${flag}: want true or false, got "${value}"`);
  }
  if (type === "int" && !/^\d+$/.test(value)) throw new FlagError(`flag --${flag}: want an integer, got "${value}"`);
  if (type === "duration") {
    try {
      if (parseDuration(value) <= 0) throw new Error("not positive");
    } catch {
      throw new FlagError(`flag --${flag}: want a positive duration such as 5m or 720h, got "${value}"`);
    }
  }
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
