/**
 * Hex: `length` random hexadecimal characters from the system CSPRNG, optionally upper case and prefixed, under
 * upstream's output key `hex`. Nothing to clean up.
 */
import { randomBytes } from "node:crypto";
import type { HexSpec } from "../../api/generators/hex.js";
import { type Generator, GeneratorError } from "../generator.js";

const DEFAULT_LENGTH = 16;
// A bound of our own (upstream has none): one Secret value stays far below the 1 MiB Secret limit.
const MAX_LENGTH = 65_536;

export function randomHex(spec: Partial<HexSpec> | undefined, random: (n: number) => Buffer = randomBytes): string {
  const length = spec?.length ?? DEFAULT_LENGTH;
  if (!Number.isInteger(length) || length < 1) throw new GeneratorError("spec.length: must be greater than 0");
  if (length > MAX_LENGTH) throw new GeneratorError(`spec.length: may not exceed ${MAX_LENGTH}`);
  let hex = random(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
  if (spec?.uppercase) hex = hex.toUpperCase();
  return `${spec?.prefix ?? ""}${hex}`;
}

export const hexGenerator: Generator<HexSpec> = {
  kind: "Hex",
  clusterSpecKey: "hexSpec",
  async generate(spec) {
    return { data: { hex: Buffer.from(randomHex(spec)) } };
  },
};
