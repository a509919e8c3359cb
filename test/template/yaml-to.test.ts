/**
 * toYaml as ESO's writes YAML (json.Marshal, read back and written by sigs.k8s.io/yaml's go-yaml v2 fork): scalar
 * styles, keys, folding, numbers, and the values it gives up on. Every expected value is the Go oracle's answer.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { goJsonMarshal } from "../../src/template/funcs/json.js";
import { decodeYaml } from "../../src/template/funcs/yaml-decode.js";
import { marshalYaml } from "../../src/template/funcs/yaml-encode.js";
import { jsonAsYaml } from "../../src/template/funcs/yaml-from-json.js";
import { renderESO } from "../../src/template/index.js";

function expectYaml(template: string, cases: [input: string, yaml: string][]): void {
  for (const [s, want] of cases) {
    assert.equal(renderESO("t", template, { s }), want, JSON.stringify(s));
  }
}

describe("toYaml writes strings as go-yaml v2 does", () => {
  it("quotes what YAML 1.1 would read as something else: bools, nulls, Go numbers, timestamps, sexagesimals", () => {
    expectYaml("{{ toYaml .s }}", [
      ["yes", '"yes"'],
      ["Off", '"Off"'],
      ["~", '"~"'],
      ["", '""'],
      ["12:30", '"12:30"'],
      ["1_000", '"1_000"'],
      ["0b101", '"0b101"'],
      ["08", '"08"'],
      [".5", '".5"'],
      ["2001-12-14 21:59:43.10", '"2001-12-14 21:59:43.10"'],
      // not numbers or timestamps to go-yaml: plain
      ["1e400", "1e400"],
      ["2001-02-30", "2001-02-30"],
      ["<<", "<<"],
    ]);
  });

  it("single-quotes indicators, double-quotes what needs escapes", () => {
    expectYaml("{{ toYaml .s }}", [
      ["x: y", "'x: y'"],
      ["- x", "'- x'"],
      ["?", "'?'"],
      ["a #b", "'a #b'"],
      ["---", "'---'"],
      [" a", "' a'"],
      ["-x", "-x"],
      ["a# b", "a# b"],
      ["it's", "it's"],
      ["\t", '"\\t"'],
      ["a\rb", '"a\\rb"'],
      ["\x00", '"\\0"'],
      ["a\nb ", '"a\\nb "'],
      ["🙂", '"\\U0001F642"'],
      ["x\ufeff", '"x\\uFEFF"'],
    ]);
  });

  it("escapes every character of a value that starts with a BOM (libyaml looks for it at the value's start)", () => {
    expectYaml("{{ toYaml .s }}", [["\ufeffabc", '"\\uFEFF\\x61\\x62\\x63"']]);
  });

  it("writes multi-line text as literal blocks with go-yaml's indentation and chomping hints", () => {
    expectYaml("{{ toYaml .s }}", [
      ["a\n b", "|-\n  a\n   b"],
      ["\n", "|2+\n"],
      ["\n\n", "|2+\n\n"],
      ["a\n\n", "|+\n  a\n"],
    ]);
  });

  it("folds long plain and quoted scalars at the first single space past column 80", () => {
    const words = `${"word ".repeat(18)} word`;
    expectYaml("{{ toYaml .s }}", [[words, `${"word ".repeat(16)}word\n  word  word`]]);
  });

  it("gives up (an empty result) on text go-yaml's reader rejects: DEL, C1 controls, U+FFFE", () => {
    expectYaml("{{ toYaml .s }}", [
      ["a\x7fb", ""],
      ["\x80", ""],
      ["\ufffe", ""],
    ]);
  });

  it("reads a raw NEL or LS in the JSON as a line break: folded into a space, or kept", () => {
    expectYaml("{{ toYaml .s }}", [
      ["a\x85b", "a b"],
      ["a\u2028b", "'a\u2028  b'"],
    ]);
  });
});

describe("toYaml writes keys and collections as go-yaml v2 does", () => {
  it('writes a multi-line key, or one over 128 bytes, as a "? " complex key', () => {
    expectYaml("{{ toYaml (dict .s (list 1)) }}", [
      ["a\nb", "? |-\n  a\n  b\n: - 1"],
      ["k".repeat(128), `${"k".repeat(128)}:\n- 1`],
      ["k".repeat(129), `? ${"k".repeat(129)}\n: - 1`],
      ["é".repeat(64), `${"é".repeat(64)}:\n- 1`],
      ["é".repeat(65), `? ${"é".repeat(65)}\n: - 1`],
      ["", '"":\n- 1'],
      ["yes", '"yes":\n- 1'],
      ["a: b", "'a: b':\n- 1"],
    ]);
  });

  it("gives up on a key longer than go-yaml's 1,024-character simple-key window in the JSON", () => {
    expectYaml("{{ toYaml (dict .s 1) }}", [
      ["x".repeat(1022), `? ${"x".repeat(1022)}\n: 1`],
      ["x".repeat(1023), ""],
    ]);
  });

  it("sorts keys go-yaml's way and writes empty collections in flow style", () => {
    expectYaml("{{ toYaml (fromJson .s) }}", [
      [
        '{"a10": 1, "a2": 2, "a01": 3, "a1": 4, "B": 5, "_": 6, "a.b": 7, "a-c": 8}',
        "_: 6\nB: 5\na-c: 8\na.b: 7\na1: 4\na01: 3\na2: 2\na10: 1",
      ],
      ['{"b": {}, "a": [], "c": [[], {}], "d": null, "e": true}', "a: []\nb: {}\nc:\n- []\n- {}\nd: null\ne: true"],
      ['{"k": [{"a": 1, "b": [2, {"c": 3}]}, [4, [5]]]}', "k:\n- a: 1\n  b:\n  - 2\n  - c: 3\n- - 4\n  - - 5"],
    ]);
  });

  it("writes numbers as go-yaml reads them back from JSON: -0 as an int, large ones as floats", () => {
    expectYaml("{{ toYaml (fromJson .s) }}", [
      [
        "[1e21, -0, 1e-7, 1.5, 100000000000000000000, 18446744073709551615, 123456789]",
        "- 1e+21\n- 0\n- 1e-07\n- 1.5\n- 1e+20\n- 1.8446744073709552e+19\n- 123456789",
      ],
    ]);
  });
});

describe("toYaml's shortcut past go-yaml's reading of the JSON", () => {
  it("gives what go-yaml's own reading of the JSON gives, for any JSON value", () => {
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 8 }),
      fc.constantFrom("yes", "1e3", "0x1F", "2001-01-01", "a: b", "\u0085", "\x7f", "\ufeff", "x".repeat(1030)),
    );
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        text,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("v"), { maxLength: 3 }),
        fc.dictionary(text, tie("v"), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        let json: string;
        try {
          json = goJsonMarshal(v);
        } catch {
          return;
        }
        const shortcut = jsonAsYaml(json);
        if (shortcut === undefined) return;
        assert.equal(marshalYaml(shortcut), marshalYaml(decodeYaml(Buffer.from(json, "utf8"), false)));
      }),
      { numRuns: 2000 },
    );
  });
});
