/** Hex: upstream's key `hex`, default length 16, odd lengths, upper case, prefix, and randomness between runs. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { HexSpec } from "../../src/api/generators/hex.js";
import { hexGenerator, randomHex } from "../../src/generators/hex/index.js";

const ctx = { kube: undefined as never, namespace: "team-a" };
const hex = async (spec: Partial<HexSpec>) => (await hexGenerator.generate(spec as HexSpec, ctx)).data;

describe("Hex generator", () => {
  test("defaults: 16 lower-case hex characters under the key hex", async () => {
    const data = await hex({});
    assert.deepEqual(Object.keys(data), ["hex"]);
    assert.match(data.hex!.toString(), /^[0-9a-f]{16}$/);
  });

  test("length, including odd lengths, upper case and prefix", async () => {
    assert.match((await hex({ length: 7 })).hex!.toString(), /^[0-9a-f]{7}$/);
    assert.match((await hex({ length: 64, uppercase: true })).hex!.toString(), /^[0-9A-F]{64}$/);
    assert.match((await hex({ length: 8, uppercase: true, prefix: "0x" })).hex!.toString(), /^0x[0-9A-F]{8}$/);
  });

  test("encodes the random bytes it draws, trimmed to length", () => {
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    assert.equal(
      randomHex({ length: 7, uppercase: true, prefix: "0x" }, () => bytes),
      "0xDEADBEE",
    );
    assert.equal(
      randomHex({ length: 8 }, (n) => bytes.subarray(0, n)),
      "deadbeef",
    );
  });

  test("two runs differ", async () => {
    assert.notEqual((await hex({ length: 32 })).hex!.toString(), (await hex({ length: 32 })).hex!.toString());
  });

  test("a length below 1 or beyond the bound is refused naming spec.length", async () => {
    await assert.rejects(hex({ length: 0 }), /^GeneratorError: spec\.length: must be greater than 0/);
    await assert.rejects(hex({ length: -4 }), /spec\.length: must be greater than 0/);
    await assert.rejects(hex({ length: 1_000_000 }), /spec\.length: may not exceed/);
  });
});
