import { randomUUID } from "node:crypto";
import type { Generator } from "../generator.js";

export const uuidGenerator: Generator<Record<string, never>> = {
  kind: "UUID",
  clusterSpecKey: "uuidSpec",
  async generate() {
    return { data: { uuid: Buffer.from(randomUUID()) } };
  },
};
