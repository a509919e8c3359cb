/**
 * fromYaml as ESO's (sigs.k8s.io/yaml v1.4.0 over its go-yaml v2 fork) reads YAML: the values, and the exact error
 * text users see in the map's "Error" entry. Every expected value is the Go oracle's answer (test/oracle).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderESO } from "../../src/template/index.js";
import { call } from "./funcs-helpers.js";

/** `{{ fromYaml .y | toJson }}`, as Go renders it for each document. */
function expectJson(cases: [yaml: string, json: string][]): void {
  for (const [y, want] of cases) {
    assert.equal(renderESO("t", "{{ fromYaml .y | toJson }}", { y }), want, JSON.stringify(y));
  }
}

const err = (message: string) => JSON.stringify({ Error: `error converting YAML to JSON: ${message}` });
const jsonErr = (message: string) =>
  JSON.stringify({ Error: `error unmarshaling JSON: while decoding JSON: ${message}` }).replace(/</g, "\\u003c");

describe("fromYaml reads scalars as go-yaml v2 does (YAML 1.1 words, Go number syntax)", () => {
  it("booleans and nulls of YAML 1.1", () => {
    expectJson([
      [
        "a: [yes, No, on, OFF, y, n, ~, null, true, False]",
        '{"a":[true,false,true,false,true,false,null,null,true,false]}',
      ],
    ]);
  });

  it("integers in Go's syntax: hex, 0o and leading-0 octal, binary, underscores; 08 as a float", () => {
    expectJson([["a: [0x1F, 0o17, 017, 08, 0b101, 1_000, -0, +12, 0b-101]", '{"a":[31,15,15,8,5,1000,0,12,-5]}']]);
  });

  it("numbers past float64 stay strings; past int64 they become float64s", () => {
    expectJson([
      [
        "a: [1e400, 9223372036854775808, 18446744073709551616, 12345678901234567890]",
        '{"a":["1e400",9223372036854776000,18446744073709552000,12345678901234567000]}',
      ],
    ]);
  });

  it("timestamps and sexagesimal numbers stay the strings they were written as", () => {
    expectJson([
      [
        "a: [190:20:30, 2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-02-30, '2001-12-14']",
        '{"a":["190:20:30","2001-12-14","2001-12-14t21:59:43.10-05:00","2001-02-30","2001-12-14"]}',
      ],
    ]);
  });

  it("non-string keys become strings: floats through float32, bools, -.inf", () => {
    expectJson([
      [
        "{1.5: a, 3.14159265358979: b, 1e10: c, 1: d, true: e, no: f, -.inf: g, 2001-01-01: h}",
        '{"-.inf":"g","1":"d","1.5":"a","1e+10":"c","2001-01-01":"h","3.1415927":"b","false":"f","true":"e"}',
      ],
    ]);
  });

  it("tags: !!binary decoded, !!str kept, !!float converting an int, custom tags ignored", () => {
    expectJson([
      [
        "a: !!binary aGVsbG8=\nb: !!str 12\nc: !!float 1\nd: !custom x\ne: !!timestamp 2001-01-01",
        '{"a":"hello","b":"12","c":1,"d":"x","e":"2001-01-01"}',
      ],
    ]);
  });
});

describe("fromYaml reads documents, merges and aliases as go-yaml v2 does", () => {
  it("empty input, a lone null and comments give an empty map", () => {
    expectJson([
      ["", "{}"],
      ["~", "{}"],
      ["# only a comment", "{}"],
    ]);
  });

  it("only the first document is read: a broken second one goes unnoticed", () => {
    expectJson([
      ["a: 1\n---\nb: [", '{"a":1}'],
      ["%YAML 1.1\n---\na: 1", '{"a":1}'],
    ]);
  });

  it("a document that is not a mapping fails in JSON decoding, named by its JSON kind", () => {
    expectJson([
      ["--- |\n  text", jsonErr("json: cannot unmarshal string into Go value of type map[string]interface {}")],
      ["- a\n- b", jsonErr("json: cannot unmarshal array into Go value of type map[string]interface {}")],
      ["12", jsonErr("json: cannot unmarshal number into Go value of type map[string]interface {}")],
      ["true", jsonErr("json: cannot unmarshal bool into Go value of type map[string]interface {}")],
    ]);
  });

  it("block scalars keep, strip and fold as written", () => {
    expectJson([["k: |+\n  keep\n\nj: >\n  folded\n  text\n", '{"j":"folded text\\n","k":"keep\\n\\n"}']]);
  });

  it("merge keys apply in order (later keys override, and a merge overrides earlier keys); duplicates: last wins", () => {
    expectJson([
      ["base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3", '{"base":{"true":2,"x":1},"c":{"true":2,"x":3}}'],
      ["c:\n  x: 3\n  <<: {x: 1}", '{"c":{"x":1}}'],
      ["c:\n  <<: [{x: 1}, {x: 2, z: 2}]", '{"c":{"x":1,"z":2}}'],
      ["a: 1\na: 2", '{"a":2}'],
      ["a: &x 1\nb: *x\nc: &x 2\nd: *x", '{"a":1,"b":1,"c":2,"d":2}'],
    ]);
  });

  it("nesting: 10,000 flow levels are read, one more is go-yaml's error, JSON decoding stops past 10,000", () => {
    const nested = (n: number) => `a: ${"[".repeat(n)}${"]".repeat(n)}`;
    const read = (y: string) => call("fromYaml", y) as Record<string, unknown>;
    let v: unknown = read(nested(9999)).a;
    let levels = 0;
    for (; Array.isArray(v) && v.length > 0; levels++) v = v[0];
    assert.equal(levels, 9998, "9,999 arrays under a map: JSON depth 10,000");
    assert.deepEqual(read(nested(10000)), {
      Error: "error unmarshaling JSON: while decoding JSON: invalid character '[' exceeded max depth",
    });
    assert.deepEqual(read(nested(10001)), {
      Error: "error converting YAML to JSON: yaml: exceeded max depth of 10000",
    });
  });
});

describe("fromYaml reports go-yaml's own error text", () => {
  it("scanner errors, with go-yaml's line numbers (and none on the first line)", () => {
    expectJson([
      ["a: 'x", err("yaml: found unexpected end of stream")],
      ['a: "x', err("yaml: found unexpected end of stream")],
      ["a: 1\nb: [", err("yaml: line 2: did not find expected node content")],
      ["a: [1, 2", err("yaml: line 1: did not find expected ',' or ']'")],
      ["a: {b: 1]", err("yaml: did not find expected ',' or '}'")],
      ["\ta: 1", err("yaml: found character that cannot start any token")],
      ["a:\n\t- x", err("yaml: line 2: found character that cannot start any token")],
      ["a: b: c", err("yaml: mapping values are not allowed in this context")],
      ["a: - b", err("yaml: block sequence entries are not allowed in this context")],
      ['a: "\\q"', err("yaml: found unknown escape character")],
      ['a: "\\ud800"', err("yaml: found invalid Unicode character escape code")],
      ["a: |0\n x", err("yaml: found an indentation indicator equal to 0")],
      ["a:\n  b\n c: d", err("yaml: line 3: mapping values are not allowed in this context")],
      ["key: [a, b]: c", err("yaml: mapping values are not allowed in this context")],
      ["@x", err("yaml: found character that cannot start any token")],
      ["a: `x`", err("yaml: found character that cannot start any token")],
    ]);
  });

  it("parser errors (line numbers counted from 0, as go-yaml does)", () => {
    expectJson([
      ["- a\nb: c", err("yaml: line 1: did not find expected '-' indicator")],
      ["%YAML 1.2\n---\na: 1", err("yaml: found incompatible YAML document")],
      ["%FOO\n---", err("yaml: found unknown directive name")],
      ["a: !e!x b", err("yaml: found undefined tag handle")],
      ["? a\n? b\n: c\n d", '{"a":null,"b":"c d"}'],
    ]);
  });

  it("decoding errors: anchors, keys, merges, tags, !!binary", () => {
    expectJson([
      ["a: *nope", err("yaml: unknown anchor 'nope' referenced")],
      ["a: &x [1, *x]", err("yaml: anchor 'x' value contains itself")],
      ["? [a, b]\n: x", err('yaml: invalid map key: []interface {}{"a", "b"}')],
      ["{k: v}: x", err('yaml: invalid map key: map[interface {}]interface {}{"k":"v"}')],
      ["a: !!binary '#'", err("yaml: !!binary value contains invalid base64 data")],
      ["a: !!int x", err("yaml: cannot decode !!str `x` as a !!int")],
      ["a: !!float 18446744073709551615", err("yaml: cannot decode !!int `18446744073709551615` as a !!float")],
      ["c:\n  <<: [1]", err("yaml: map merge requires map or sequence of maps as the value")],
      ["<<: x", err("yaml: map merge requires map or sequence of maps as the value")],
    ]);
  });

  it("sigs.k8s.io/yaml's errors: keys it cannot make strings, values JSON cannot hold", () => {
    expectJson([
      [
        "~: x",
        err('unsupported map key of type: %!s(<nil>), key: <nil>, value: "x"')
          .replace(/</g, "\\u003c")
          .replace(/>/g, "\\u003e"),
      ],
      ["18446744073709551615: x", err('unsupported map key of type: uint64, key: 0xffffffffffffffff, value: "x"')],
      ["a: .nan", err("json: unsupported value: NaN")],
      ["a: [1e3, .5, -.inf, .NaN]", err("json: unsupported value: -Inf")],
    ]);
  });

  it("reader errors: control characters, C1 controls, U+FFFE; a BOM is skipped; NEL and LS break lines", () => {
    expectJson([
      ["a: \x7f", err("yaml: control characters are not allowed")],
      ["a: \x80", err("yaml: control characters are not allowed")],
      ["a: \ufffe", err("yaml: control characters are not allowed")],
      ["a: \x01\nb: [", err("yaml: control characters are not allowed")],
      ["\ufeffa: 1", '{"a":1}'],
      ["a: \u2028b", err("yaml: line 3: could not find expected ':'")],
      ["a: x\x85b: c", '{"a":"x","b":"c"}'],
    ]);
  });

  it("reads in 512-byte chunks: a syntax error before the chunk with a bad character wins", () => {
    expectJson([
      [`a: b: c\n#${"x".repeat(600)}\x01`, err("yaml: mapping values are not allowed in this context")],
      [`a: b: c\n#${"x".repeat(100)}\x01`, err("yaml: control characters are not allowed")],
      [`a: 'x\n${"y".repeat(600)}\x01'`, err("yaml: control characters are not allowed")],
    ]);
  });

  it("stops a document that is mostly alias expansion, as go-yaml does", () => {
    const level = (name: string, of: string) => `${name}: &${name} [${Array(9).fill(of).join(",")}]\n`;
    const laughs = level("a", "x") + level("b", "*a") + level("c", "*b") + level("d", "*c") + level("e", "*d");
    assert.equal(
      renderESO("t", "{{ (fromYaml .y).Error }}", { y: laughs }),
      "error converting YAML to JSON: yaml: document contains excessive aliasing",
    );
    const few = level("a", "x") + level("b", "*a") + level("c", "*b");
    assert.equal(renderESO("t", "{{ len (fromYaml .y).c }}", { y: few }), "9");
  });
});
