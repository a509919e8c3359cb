import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GoTime, goInt64 } from "../../src/template/index.js";
import { type Case, call, type ErrCase, errors, table } from "./funcs-helpers.js";

describe("sprig math functions", () => {
  table([
    ["int64", ["42"], goInt64(42n)],
    ["int64", [3.9], goInt64(3n)],
    ["int", ["0x10"], 16n],
    ["int", ["nope"], 0n],
    ["float64", ["1.5"], 1.5],
    ["float64", [2n], 2],
    ["toDecimal", ["0777"], goInt64(511n)],
    ["toDecimal", ["9"], goInt64(0n)],
    ["seq", [5n], "1 2 3 4 5"],
    ["seq", [-3n], "1 0 -1 -2 -3"],
    ["seq", [0n, 2n], "0 1 2"],
    ["seq", [2n, -2n], "2 1 0 -1 -2"],
    ["seq", [0n, 2n, 10n], "0 2 4 6 8 10"],
    ["seq", [0n, -2n, -10n], "0 -2 -4 -6 -8 -10"],
    ["seq", [10n, 2n, 0n], ""],
    ["seq", [], ""],
    ["until", [3n], [0n, 1n, 2n]],
    ["until", [-3n], [0n, -1n, -2n]],
    ["untilStep", [3n, 6n, 2n], [3n, 5n]],
    ["untilStep", [3n, 6n, -1n], []],
    ["add1", ["4"], goInt64(5n)],
    ["add", [1n, 2n, "3"], goInt64(6n)],
    ["sub", [3n, 5n], goInt64(-2n)],
    ["div", [7n, 2n], goInt64(3n)],
    ["div", [-7n, 2n], goInt64(-3n)],
    ["mod", [-7n, 3n], goInt64(-1n)],
    ["mul", [2n, 3n, "4"], goInt64(24n)],
    ["add1f", [1.5], 2.5],
    ["addf", [0.1, 0.2], 0.3],
    ["subf", [1.5, 0.3], 1.2],
    ["mulf", [1.1, 3n], 3.3],
    ["divf", [1n, 3n], 0.3333333333333333],
    ["divf", [10n, 4n, 2n], 1.25],
    ["max", [1n, 5n, "3"], goInt64(5n)],
    ["biggest", [1n, 5n], goInt64(5n)],
    ["min", [1n, -5n, "3"], goInt64(-5n)],
    ["maxf", [1.5, 2n, 0.5], 2],
    ["minf", [1.5, 0.2], 0.2],
    ["ceil", [1.2], 2],
    ["floor", ["1.8"], 1],
    ["round", [123.5555, 3n], 123.556],
    ["round", [123.49, 0n], 123],
    ["round", [123.5, 0n, 0.6], 123],
  ] satisfies Case[]);

  errors([
    ["div", [1n, 0n], "runtime error: integer divide by zero"],
    ["mod", [1n, 0n], "runtime error: integer divide by zero"],
    ["divf", [1n, 0n], "decimal division by 0"],
    ["randInt", [5n, 5n], "invalid argument to Intn"],
  ] satisfies ErrCase[]);

  it("randInt stays in [min, max)", () => {
    for (let i = 0; i < 50; i++) {
      const v = call("randInt", 3n, 6n) as bigint;
      assert.ok(v >= 3n && v < 6n);
    }
  });
});

describe("sprig defaults and JSON functions", () => {
  table([
    ["default", ["foo", ""], "foo"],
    ["default", ["foo", "bar"], "bar"],
    ["default", ["foo", 0n], "foo"],
    ["default", ["foo", false], "foo"],
    ["default", ["foo", []], "foo"],
    ["default", ["foo", {}], "foo"],
    ["default", ["foo"], "foo"],
    ["default", ["foo", 1.5], 1.5],
    ["empty", [null], true],
    ["empty", [""], true],
    ["empty", [0n], true],
    ["empty", [0], true],
    ["empty", [{ a: 1n }], false],
    ["empty", [new GoTime(0n)], false],
    ["coalesce", [null, "", 0n, "x"], "x"],
    ["coalesce", [null, ""], null],
    ["all", [1n, "a", true], true],
    ["all", [1n, ""], false],
    ["any", [0n, "", "x"], true],
    ["any", [], false],
    ["compact", [[1n, "", null, "x", false]], [1n, "x"]],
    ["ternary", ["yes", "no", true], "yes"],
    ["ternary", ["yes", "no", false], "no"],
    [
      "toJson",
      [{ b: 1n, a: "<x&y>", c: [1.5, null, true] }],
      '{"a":"\\u003cx\\u0026y\\u003e","b":1,"c":[1.5,null,true]}',
    ],
    ["toJson", [1e21], "1e+21"],
    ["toJson", [1e-7], "1e-7"],
    ["toJson", [0.000001], "0.000001"],
    ["toJson", ["\u2028\u0001"], '"\\u2028\\u0001"'],
    ["toJson", [new Uint8Array([1, 2, 3])], '"AQID"'],
    ["toJson", [Number.NaN], ""],
    ["toPrettyJson", [{ a: { b: [] }, c: [1n] }], '{\n  "a": {\n    "b": []\n  },\n  "c": [\n    1\n  ]\n}'],
    ["toRawJson", [{ a: "<&>" }], '{"a":"<&>"}'],
    ["fromJson", ['{"a":1,"b":[1,"x",null]}'], { a: 1, b: [1, "x", null] }],
    ["fromJson", ["{bad"], null],
  ] satisfies Case[]);

  errors([
    ["mustToJson", [Number.POSITIVE_INFINITY], "json: unsupported value: +Inf"],
    ["mustFromJson", ["{x"], "invalid character 'x' looking for beginning of object key string"],
    ["mustFromJson", ["[1,"], "unexpected end of JSON input"],
    ["mustFromJson", ["[1 2]"], "invalid character '2' after array element"],
    ["mustFromJson", ["1 x"], "invalid character 'x' after top-level value"],
    ["mustFromJson", ["tru"], "unexpected end of JSON input"],
    ["mustFromJson", ['{"a" 1}'], "invalid character '1' after object key"],
    ["ternary", ["a", "b", "true"], "wrong type for value; expected bool; got string"],
  ] satisfies ErrCase[]);
});

describe("sprig list functions", () => {
  table([
    ["list", [1n, "a"], [1n, "a"]],
    ["tuple", [], []],
    ["append", [[1n], 2n], [1n, 2n]],
    ["push", [[1n], 2n], [1n, 2n]],
    ["prepend", [[1n], 0n], [0n, 1n]],
    ["first", [[1n, 2n]], 1n],
    ["first", [[]], null],
    ["rest", [[1n, 2n, 3n]], [2n, 3n]],
    ["last", [[1n, 2n]], 2n],
    ["initial", [[1n, 2n, 3n]], [1n, 2n]],
    ["reverse", [[1n, 2n, 3n]], [3n, 2n, 1n]],
    ["uniq", [[1n, 1n, "a", "a", [1n], [1n]]], [1n, "a", [1n]]],
    ["without", [[1n, 2n, 3n, 4n], 1n, 3n], [2n, 4n]],
    ["has", [4n, [1n, 2n, 3n, 4n]], true],
    ["has", ["hello", [1n, 2n]], false],
    ["has", [1n, null], false],
    ["slice", [[1n, 2n, 3n, 4n, 5n], 1n, 3n], [2n, 3n]],
    ["slice", [[1n, 2n, 3n], 1n], [2n, 3n]],
    ["slice", [[]], null],
    ["concat", [[1n, 2n], [3n], [4n, 5n]], [1n, 2n, 3n, 4n, 5n]],
    [
      "chunk",
      [3n, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]],
      [
        [1n, 2n, 3n],
        [4n, 5n, 6n],
        [7n, 8n],
      ],
    ],
    ["chunk", [2n, []], []],
    ["mustFirst", [[7n]], 7n],
  ] satisfies Case[]);

  errors([
    ["first", ["x"], "Cannot find first on type string"],
    ["mustPush", [1n, 2n], "Cannot push on type int"],
    ["mustPrepend", [{}, 2n], "Cannot prepend on type map"],
    ["rest", [true], "Cannot find rest on type bool"],
    ["mustLast", ["a"], "Cannot find last on type string"],
    ["initial", ["a"], "Cannot find initial on type string"],
    ["reverse", ["a"], "Cannot find reverse on type string"],
    ["uniq", ["a"], "Cannot find uniq on type string"],
    ["without", ["a"], "Cannot find without on type string"],
    ["mustHas", [1n, "a"], "Cannot find has on type string"],
    ["mustSlice", ["abc", 1n], "list should be type of slice or array but string"],
    ["mustChunk", [2n, "abc"], "Cannot chunk type string"],
    ["mustCompact", ["abc"], "Cannot compact on type string"],
    ["concat", [[1n], "x"], "Cannot concat type string as list"],
    ["slice", [[1n, 2n], 1n, 5n], "reflect.Value.Slice: slice index out of bounds"],
  ] satisfies ErrCase[]);
});

describe("sprig dict functions", () => {
  table([
    ["dict", ["a", 1n, "b"], { a: 1n, b: "" }],
    ["dict", [1n, "x"], { "1": "x" }],
    ["get", [{ a: 1n }, "a"], 1n],
    ["get", [{ a: 1n }, "b"], ""],
    ["set", [{ a: 1n }, "b", 2n], { a: 1n, b: 2n }],
    ["unset", [{ a: 1n, b: 2n }, "b"], { a: 1n }],
    ["hasKey", [{ a: 1n }, "a"], true],
    ["hasKey", [{ a: 1n }, "b"], false],
    ["pluck", ["name", { name: "a" }, { x: 1n }, { name: "b" }], ["a", "b"]],
    ["pick", [{ a: 1n, b: 2n, c: 3n }, "a", "c"], { a: 1n, c: 3n }],
    ["omit", [{ a: 1n, b: 2n, c: 3n }, "a", "c"], { b: 2n }],
    ["values", [{ a: 1n }], [1n]],
    [
      "merge",
      [
        { default: "default", overwrite: "me", key: true },
        { overwrite: "overwritten", key: false, extra: 1n },
      ],
      { default: "default", overwrite: "me", key: true, extra: 1n },
    ],
    [
      "mergeOverwrite",
      [
        { default: "default", overwrite: "me", key: true },
        { overwrite: "overwritten", key: false },
      ],
      { default: "default", overwrite: "overwritten", key: false },
    ],
    ["merge", [{ a: { b: 1n } }, { a: { c: 2n } }, { a: { b: 9n } }], { a: { b: 1n, c: 2n } }],
    ["merge", [{ a: "" }, { a: "filled" }], { a: "filled" }],
    ["dig", ["a", "b", "def", { a: { b: "x" } }], "x"],
    ["dig", ["a", "z", "def", { a: { b: "x" } }], "def"],
    ["deepCopy", [{ a: [1n, { b: 2n }] }], { a: [1n, { b: 2n }] }],
  ] satisfies Case[]);

  errors([
    ["dig", ["a", {}], "dig needs at least three arguments"],
    ["get", ["x", "a"], "wrong type for value; expected map[string]interface {}; got string"],
  ] satisfies ErrCase[]);

  it("keys lists every key; deepCopy is a copy", () => {
    assert.deepEqual((call("keys", { b: 1n }, { a: 2n }) as string[]).sort(), ["a", "b"]);
    const src = { a: [1n] };
    const copy = call("deepCopy", src) as { a: bigint[] };
    copy.a.push(2n);
    assert.deepEqual(src.a, [1n]);
  });
});

describe("sprig reflection and path functions", () => {
  table([
    ["typeOf", [[1n]], "[]interface {}"],
    ["typeOf", [1n], "int"],
    ["typeOf", [1.5], "float64"],
    ["typeOf", [{}], "map[string]interface {}"],
    ["typeIs", ["string", "x"], true],
    ["typeIsLike", ["int", 1n], true],
    ["kindOf", [{}], "map"],
    ["kindOf", [[1n]], "slice"],
    ["kindIs", ["int", 1n], true],
    ["kindIs", ["string", 1n], false],
    [
      "deepEqual",
      [
        [1n, { a: "b" }],
        [1n, { a: "b" }],
      ],
      true,
    ],
    ["deepEqual", [1n, 1], false],
    ["base", ["/a/b.txt"], "b.txt"],
    ["base", [""], "."],
    ["base", ["/"], "/"],
    ["dir", ["/a/b.txt"], "/a"],
    ["dir", ["b.txt"], "."],
    ["clean", ["a//b/../c/"], "a/c"],
    ["clean", ["/../x"], "/x"],
    ["ext", ["a.tar.gz"], ".gz"],
    ["ext", ["a/b"], ""],
    ["isAbs", ["/a"], true],
    ["osBase", ["/a/b"], "b"],
    ["osDir", ["/a/b"], "/a"],
    ["osClean", ["./a/"], "a"],
    ["osExt", ["x.go"], ".go"],
    ["osIsAbs", ["a"], false],
  ] satisfies Case[]);
});
