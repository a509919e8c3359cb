import { describe } from "node:test";
import { type Case, table } from "./funcs-helpers.js";

describe("ESO toYaml / fromYaml", () => {
  table([
    ["toYaml", [{ b: 1n, a: "x" }], "a: x\nb: 1"],
    [
      "toYaml",
      [{ list: [1n, "two", { k: "v" }], empty: {}, none: null, f: 1.5 }],
      "empty: {}\nf: 1.5\nlist:\n- 1\n- two\n- k: v\nnone: null",
    ],
    ["toYaml", [{ s: "true", n: "123", y: "yes", e: "" }], 'e: ""\n"n": "123"\ns: "true"\n"y": "yes"'],
    ["toYaml", [{ t: "a: b", h: "#x", q: "it's" }], "h: '#x'\nq: it's\nt: 'a: b'"],
    ["toYaml", [{ m: "line1\nline2\n" }], "m: |\n  line1\n  line2"],
    ["toYaml", [{ m: "line1\nline2" }], "m: |-\n  line1\n  line2"],
    ["toYaml", [{ nested: { deep: { x: [] } } }], "nested:\n  deep:\n    x: []"],
    ["toYaml", [[["a", "b"], "c"]], "- - a\n  - b\n- c"],
    ["toYaml", ["plain"], "plain"],
    ["toYaml", [Number.NaN], ""],
    ["fromYaml", ["a: 1\nb: [x, y]\nc: yes\nd:\n  e: null"], { a: 1, b: ["x", true], c: true, d: { e: null } }],
    ["fromYaml", [""], {}],
    [
      "fromYaml",
      ["- a\n- b"],
      {
        Error:
          "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}",
      },
    ],
  ] satisfies Case[]);
});
