import type { Generator } from "../generator.js";

export interface FakeGeneratorSpec {
  controller?: string;
  data?: Record<string, string>;
}

/** Returns spec.data as-is: for tests and demos of generator wiring. */
export const fakeGenerator: Generator<FakeGeneratorSpec> = {
  kind: "Fake",
  clusterSpecKey: "fakeSpec",
  async generate(spec) {
    const data: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(spec.data ?? {})) data[k] = Buffer.from(v);
    return { data };
  },
};
