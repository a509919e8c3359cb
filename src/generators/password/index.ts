import { encodeOutput } from "../encoding.js";
import type { Generator } from "../generator.js";
import { DEFAULT_SYMBOLS, generatePassword } from "./password.js";

export interface PasswordSpec {
  length?: number;
  digits?: number;
  symbols?: number;
  symbolCharacters?: string;
  noUpper?: boolean;
  allowRepeat?: boolean;
  encoding?: string;
  /** When set, each listed key gets its own password instead of the single "password" key. */
  secretKeys?: string[];
}

export const passwordGenerator: Generator<PasswordSpec> = {
  kind: "Password",
  clusterSpecKey: "passwordSpec",
  async generate(spec) {
    const length = spec.length ?? 24;
    const quarter = Math.floor(length / 4);
    const options = {
      length,
      digits: spec.digits ?? quarter,
      symbols: spec.symbols ?? quarter,
      symbolCharacters: spec.symbolCharacters ?? DEFAULT_SYMBOLS,
      noUpper: spec.noUpper ?? false,
      allowRepeat: spec.allowRepeat ?? false,
    };
    const keys = spec.secretKeys?.length ? spec.secretKeys : ["password"];
    const data: Record<string, Buffer> = {};
    for (const key of keys) {
      data[key] = encodeOutput(Buffer.from(generatePassword(options)), spec.encoding, "spec.encoding");
    }
    return { data };
  },
};
