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
    [
      "toYaml",
      [{ B: 1n, _: 2n, a10: 1n, a2: 2n, "a.b": 1n, "a-c": 1n, x01: 1n, x1: 2n }],
      "_: 2\nB: 1\na-c: 1\na.b: 1\na2: 2\na10: 1\nx1: 2\nx01: 1",
    ],
    [
      "toYaml",
      [
        {
          d: "2001-12-14",
          t: "2001-12-14T21:59:43.10-05:00",
          s: "2001-2-3 4:05:06",
          bad: "2001-02-30",
          key: "2023-13-01",
        },
      ],
      'bad: 2001-02-30\nd: "2001-12-14"\nkey: 2023-13-01\ns: "2001-2-3 4:05:06"\nt: "2001-12-14T21:59:43.10-05:00"',
    ],
    ["toYaml", [{ "2024-02-29": "leap", "2023-02-29": "no" }], '2023-02-29: "no"\n"2024-02-29": leap'],
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
