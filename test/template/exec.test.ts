import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GoDuration, render, TemplateError, type TemplateOptions, typedMap } from "../../src/template/index.js";

interface Case {
  name: string;
  input: string;
  data?: unknown;
  output?: string;
  error?: string | RegExp;
  opts?: TemplateOptions;
}

const tVal = {
  True: true,
  I: 17n,
  U16: 16n,
  X: "x",
  FloatZero: 0,
  ComplexZero: 0,
  SI: [3n, 4n, 5n],
  SIEmpty: [],
  SB: [true, false],
  MSI: { one: 1n, two: 2n, three: 3n },
  MSIone: { one: 1n },
  MSIEmpty: {},
  SMSI: [
    { one: 1n, two: 2n },
    { eleven: 11n, twelve: 12n },
  ],
  Empty0: null,
  Empty3: [7n, 8n],
  Empty4: { UinEmpty: { V: "v" } },
  NilMap: null,
  Str: "foo",
  Tmpl: "ignored",
  Nested: { a: { b: { c: "deep" } } },
  Bytes: new Uint8Array([104, 105]),
  D: new GoDuration(3_723_000_000_000n),
};

const cases: Case[] = [
  // Trivial and text.
  { name: "empty", input: "", output: "" },
  { name: "text", input: "some text", output: "some text" },
  { name: "nil action", input: "{{nil}}", error: "nil is not a command" },
  // Ideal constants.
  { name: "ideal int", input: "{{typeOf 3}}", output: "int", opts: { funcs: { typeOf: (v) => typeName(v) } } },
  { name: "ideal float", input: "{{typeOf 1.0}}", output: "float64", opts: { funcs: { typeOf: (v) => typeName(v) } } },
  {
    name: "ideal exp float",
    input: "{{typeOf 1e1}}",
    output: "float64",
    opts: { funcs: { typeOf: (v) => typeName(v) } },
  },
  { name: "ideal hex int", input: "{{typeOf 0x1e3}}", output: "int", opts: { funcs: { typeOf: (v) => typeName(v) } } },
  { name: "ideal char", input: "{{typeOf 'a'}}", output: "int", opts: { funcs: { typeOf: (v) => typeName(v) } } },
  { name: "int literal", input: "{{3}}", output: "3" },
  { name: "negative int", input: "{{-3}}", output: "-3" },
  { name: "plus int", input: "{{+3}}", output: "3" },
  { name: "float literal", input: "{{1.5}}", output: "1.5" },
  { name: "exp literal", input: "{{1e1}}", output: "10" },
  { name: "big float", input: "{{1e21}}", output: "1e+21" },
  { name: "hex", input: "{{0x1F}}", output: "31" },
  { name: "octal 0o", input: "{{0o17}}", output: "15" },
  { name: "octal legacy", input: "{{017}}", output: "15" },
  { name: "binary", input: "{{0b101}}", output: "5" },
  { name: "underscore", input: "{{1_000_000}}", output: "1000000" },
  { name: "hex float", input: "{{0x1.ep+1}}", output: "3.75" },
  { name: "char", input: "{{'a'}}", output: "97" },
  { name: "char escape", input: "{{'\\n'}}", output: "10" },
  { name: "char unicode", input: "{{'\\u00e9'}}", output: "233" },
  { name: "int overflow", input: "{{18446744073709551615}}", error: "18446744073709551615 overflows int" },
  { name: "huge integer", input: "{{99999999999999999999999}}", error: 'integer overflow: "99999999999999999999999"' },
  { name: "string", input: '{{"hello"}}', output: "hello" },
  { name: "string escapes", input: '{{"a\\tb\\n\\u00e9\\x41"}}', output: "a\tb\né" + "A" },
  { name: "raw string", input: "{{`a\\tb`}}", output: "a\\tb" },
  { name: "raw string newline", input: "{{`a\nb`}}", output: "a\nb" },
  { name: "bool", input: "{{true}} {{false}}", output: "true false" },
  // Fields and keys.
  { name: ".X", input: "-{{.X}}-", data: tVal, output: "-x-" },
  { name: "dot int", input: "<{{.}}>", data: 7n, output: "<7>" },
  { name: "dot string", input: "<{{.}}>", data: "hello", output: "<hello>" },
  { name: "dot slice", input: "<{{.}}>", data: [1n, "a", null], output: "<[1 a <nil>]>" },
  { name: "dot map", input: "<{{.}}>", data: { b: 2n, a: 1n }, output: "<map[a:1 b:2]>" },
  { name: "dot nil", input: "<{{.}}>", data: null, output: "<<no value>>" },
  { name: "nested map", input: "{{.Nested.a.b.c}}", data: tVal, output: "deep" },
  { name: "map key .one", input: "{{.MSI.one}}", data: tVal, output: "1" },
  { name: "missing key default", input: "{{.MSI.missing}}", data: tVal, output: "<no value>" },
  {
    name: "missing key zero",
    input: "{{.MSI.missing}}",
    data: tVal,
    output: "<no value>",
    opts: { missingKey: "zero" },
  },
  {
    name: "missing key zero string map",
    input: "[{{.missing}}]",
    data: typedMap({ a: "x" }, "string"),
    output: "[]",
    opts: { missingKey: "zero" },
  },
  {
    name: "missing key error",
    input: "{{.MSI.missing}}",
    data: tVal,
    error: 'template: t:1:6: executing "t" at <.MSI.missing>: map has no entry for key "missing"',
    opts: { missingKey: "error" },
  },
  {
    name: "missing key error with spaces",
    input: "{{ .foo }}",
    data: {},
    error: 'template: t:1:3: executing "t" at <.foo>: map has no entry for key "foo"',
    opts: { missingKey: "error" },
  },
  { name: "chain through missing", input: "{{.a.b.c}}", data: {}, output: "<no value>" },
  {
    name: "nil data with missingkey=error",
    input: "{{.a.b}}",
    data: { a: undefined },
    error: "nil pointer evaluating interface {}.b",
  },
  { name: "nil value field", input: "{{.a.b}}", data: { a: null }, error: "nil pointer evaluating interface {}.b" },
  { name: "field of string", input: "{{.X.Y}}", data: tVal, error: "can't evaluate field Y in type interface {}" },
  { name: "field of root string", input: "{{.Y}}", data: "s", error: "can't evaluate field Y in type string" },
  {
    name: "field of ESO string value",
    input: "{{.a.b}}",
    data: typedMap({ a: "x" }, "string"),
    error: "can't evaluate field b in type string",
  },
  { name: "field with args", input: "{{.X 1}}", data: tVal, error: "X is not a method but has arguments" },
  { name: "variable field", input: "{{$x := .MSI}}{{$x.two}}", data: tVal, output: "2" },
  { name: "$ field", input: "{{with .MSIone}}{{$.X}}{{end}}", data: tVal, output: "x" },
  { name: "paren field", input: "{{(.MSI).three}}", data: tVal, output: "3" },
  { name: "paren pipeline field", input: "{{(index .SMSI 1).eleven}}", data: tVal, output: "11" },
  { name: "nil chain", input: "{{(nil).X}}", error: "nil is not a command" },
  { name: "dot chain error", input: "{{.X}}", data: null, output: "<no value>" },
  // Variables.
  { name: "$ int", input: "{{$}}", data: 123n, output: "123" },
  { name: "declare", input: '{{$x := "hello"}}{{$x}}', output: "hello" },
  { name: "assign", input: "{{$x := 1}}{{$x = 2}}{{$x}}", output: "2" },
  { name: "assign in range", input: "{{$c := 0}}{{range .SI}}{{$c = .}}{{end}}{{$c}}", data: tVal, output: "5" },
  { name: "decl in if scoped", input: "{{if true}}{{$x := 1}}{{end}}{{$x}}", error: 'undefined variable "$x"' },
  { name: "with $x", input: '{{with $x := "hello"}}{{$x}}{{end}}', output: "hello" },
  { name: "with $x dot", input: '{{with $x := "hello"}}{{.}}{{end}}', output: "hello" },
  { name: "undefined variable", input: "{{$x}}", error: 'template: t:1: undefined variable "$x"' },
  { name: "variable not function", input: "{{$ 1}}", error: "can't give argument to non-function $" },
  // Pipelines.
  { name: "pipeline", input: '{{"x" | printf "%s%s" "y"}}', output: "yx" },
  { name: "pipeline chain", input: '{{"x" | printf "%q" | printf "%s!"}}', output: '"x"!' },
  { name: "parenthesized", input: '{{printf "%d-%d" (len .SI) 7}}', data: tVal, output: "3-7" },
  { name: "nested parens", input: '{{(printf "%s" (printf "%d" 3))}}', output: "3" },
  { name: "non-executable stage", input: "{{1 | 2}}", error: "non executable command in pipeline stage 2" },
  { name: "arg to non-function", input: '{{"x" | .X}}', data: tVal, error: "X is not a method but has arguments" },
  { name: "arg to literal", input: "{{1 2}}", error: "can't give argument to non-function 1" },
  // If / else.
  { name: "if true", input: "{{if true}}TRUE{{end}}", output: "TRUE" },
  { name: "if false", input: "{{if false}}TRUE{{else}}FALSE{{end}}", output: "FALSE" },
  { name: "if 1", input: "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", output: "NON-ZERO" },
  { name: "if 0", input: "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", output: "ZERO" },
  { name: "if 1.5", input: "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", output: "NON-ZERO" },
  { name: "if 0.0", input: "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", data: tVal, output: "ZERO" },
  { name: "if emptystring", input: '{{if ""}}NON-EMPTY{{else}}EMPTY{{end}}', output: "EMPTY" },
  { name: "if string", input: '{{if "notempty"}}NON-EMPTY{{else}}EMPTY{{end}}', output: "NON-EMPTY" },
  { name: "if emptyslice", input: "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", data: tVal, output: "EMPTY" },
  { name: "if slice", input: "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", data: tVal, output: "NON-EMPTY" },
  { name: "if emptymap", input: "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", data: tVal, output: "EMPTY" },
  { name: "if map", input: "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", data: tVal, output: "NON-EMPTY" },
  { name: "if nil", input: "{{if .Empty0}}NON-NIL{{else}}NIL{{end}}", data: tVal, output: "NIL" },
  { name: "if missing", input: "{{if .nope}}A{{else}}B{{end}}", data: tVal, output: "B" },
  { name: "if duration", input: "{{if .D}}D{{end}}", data: tVal, output: "D" },
  { name: "if $x with $y int", input: "{{$x := 1}}{{if $x}}{{$x}}{{end}}", output: "1" },
  { name: "if else if", input: "{{if false}}FALSE{{else if true}}TRUE{{end}}", output: "TRUE" },
  {
    name: "if else chain",
    input: "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}",
    output: "3",
  },
  { name: "if no pipeline", input: "{{if}}x{{end}}", error: "template: t:1: missing value for if" },
  // With.
  { name: "with true", input: "{{with true}}{{.}}{{end}}", output: "true" },
  { name: "with false", input: "{{with false}}{{.}}{{else}}FALSE{{end}}", output: "FALSE" },
  { name: "with map", input: "{{with .MSIone}}{{.one}}{{end}}", data: tVal, output: "1" },
  { name: "with empty", input: "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", data: tVal, output: "EMPTY" },
  { name: "with else with", input: "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", output: "true" },
  {
    name: "with else with chain",
    input: '{{with false}}{{.}}{{else with ""}}{{.}}{{else with "z"}}{{.}}{{else}}none{{end}}',
    output: "z",
  },
  // Range.
  { name: "range []int", input: "{{range .SI}}-{{.}}-{{end}}", data: tVal, output: "-3--4--5-" },
  { name: "range empty no else", input: "{{range .SIEmpty}}-{{.}}-{{end}}", data: tVal, output: "" },
  { name: "range []int else", input: "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", data: tVal, output: "-3--4--5-" },
  { name: "range empty else", input: "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", data: tVal, output: "EMPTY" },
  { name: "range []bool", input: "{{range .SB}}-{{.}}-{{end}}", data: tVal, output: "-true--false-" },
  { name: "range map", input: "{{range .MSI}}-{{.}}-{{end}}", data: tVal, output: "-1--3--2-" },
  { name: "range empty map", input: "{{range .MSIEmpty}}-{{.}}-{{end}}", data: tVal, output: "" },
  { name: "range map else", input: "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", data: tVal, output: "-1--3--2-" },
  {
    name: "range empty map else",
    input: "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}",
    data: tVal,
    output: "EMPTY",
  },
  { name: "range nil", input: "{{range .NilMap}}x{{else}}nil{{end}}", data: tVal, output: "nil" },
  { name: "range $x SI", input: "{{range $x := .SI}}<{{$x}}>{{end}}", data: tVal, output: "<3><4><5>" },
  {
    name: "range $x $y SI",
    input: "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}",
    data: tVal,
    output: "<0=3><1=4><2=5>",
  },
  {
    name: "range $x MSIone",
    input: "{{range $x := .MSIone}}<{{$x}}>{{end}}",
    data: tVal,
    output: "<1>",
  },
  {
    name: "range $x $y MSIone",
    input: "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}",
    data: tVal,
    output: "<one=1>",
  },
  { name: "range SMSI", input: "{{range .SMSI}}{{.one}}{{end}}", data: tVal, output: "1<no value>" },
  { name: "range count", input: "{{range $i, $x := count 5}}[{{$i}}]{{$x}}{{end}}", output: "[0]a[1]b[2]c[3]d[4]e" },
  { name: "range int", input: "{{range 5}}{{.}}{{end}}", output: "01234" },
  { name: "range int $i", input: "{{range $i := 3}}{{$i}}{{end}}", output: "012" },
  { name: "range zero int", input: "{{range 0}}x{{else}}none{{end}}", output: "none" },
  { name: "range negative int", input: "{{range -2}}x{{else}}none{{end}}", output: "none" },
  {
    name: "range int two vars",
    input: "{{range $i, $j := 3}}{{end}}",
    error: "can't use 3 to iterate over more than one variable",
  },
  { name: "range string", input: '{{range "abc"}}{{.}}{{end}}', error: "range can't iterate over abc" },
  { name: "range float", input: "{{range 1.5}}{{.}}{{end}}", error: "range can't iterate over 1.5" },
  {
    name: "range assign",
    input: "{{$i := 0}}{{$v := 0}}{{range $i, $v = .SI}}{{end}}{{$i}}{{$v}}",
    data: tVal,
    output: "25",
  },
  { name: "range break", input: "{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", data: tVal, output: "3" },
  {
    name: "range continue",
    input: "{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}",
    data: tVal,
    output: "35",
  },
  {
    name: "nested range break",
    input: "{{range .SI}}[{{range $.SB}}{{if not .}}{{break}}{{end}}{{.}}{{end}}]{{end}}",
    data: tVal,
    output: "[true][true][true]",
  },
  { name: "break outside range", input: "{{break}}", error: "template: t:1: {{break}} outside {{range}}" },
  { name: "continue outside range", input: "{{continue}}", error: "template: t:1: {{continue}} outside {{range}}" },
  {
    name: "range vars scoped",
    input: "{{range $x := .SI}}{{end}}{{$x}}",
    data: tVal,
    error: 'undefined variable "$x"',
  },
  {
    name: "range too many vars",
    input: "{{range $a, $b, $c := .SI}}{{end}}",
    data: tVal,
    error: "too many declarations in range",
  },
  // Trimming and comments.
  { name: "trim left", input: "a  \n\t {{- 3}}", output: "a3" },
  { name: "trim right", input: "{{3 -}} \n\t b", output: "3b" },
  { name: "trim both", input: "x {{- 3 -}} y", output: "x3y" },
  { name: "negative number not trim", input: "x {{-3}} y", output: "x -3 y" },
  { name: "trim with comment", input: "a {{- /* c */ -}} b", output: "ab" },
  { name: "comment", input: "a{{/* comment */}}b", output: "ab" },
  { name: "multiline comment", input: "a{{/* line1\nline2 */}}b", output: "ab" },
  { name: "comment with trim only left", input: "a {{- /* c */}} b", output: "a b" },
  { name: "unclosed comment", input: "{{/* x", error: "template: t:1: unclosed comment" },
  {
    name: "comment before delim",
    input: "{{/* x */ 1}}",
    error: "template: t:1: comment ends before closing delimiter",
  },
  { name: "action spanning lines", input: '{{ printf\n  "%d"\n  3 }}', output: "3" },
  // define / template / block.
  { name: "template", input: '{{define "T"}}[{{.}}]{{end}}{{template "T" .X}}', data: tVal, output: "[x]" },
  { name: "template no data", input: '{{define "T"}}[{{.}}]{{end}}{{template "T"}}', output: "[<no value>]" },
  {
    name: "template vars not inherited",
    input: '{{define "T"}}{{$x}}{{end}}{{$x := 1}}{{template "T"}}',
    error: 'undefined variable "$x"',
  },
  { name: "template $ is its data", input: '{{define "T"}}{{$}}{{end}}{{template "T" 3}}', output: "3" },
  { name: "block", input: '{{block "B" .X}}<{{.}}>{{end}}', data: tVal, output: "<x>" },
  {
    name: "block and define in one parse",
    input: '{{block "B" .}}default{{end}}{{define "B"}}override{{end}}',
    error: 'template: t:1: template: multiple definition of template "B"',
  },
  {
    name: "template undefined",
    input: '{{template "nope"}}',
    error: 'template: t:1:11: executing "t" at <{{template "nope"}}>: template "nope" not defined',
  },
  {
    name: "recursive template",
    input: '{{define "R"}}{{if .}}{{len .}}{{template "R" (slice . 1)}}{{end}}{{end}}{{template "R" .}}',
    data: [1n, 2n, 3n],
    output: "321",
  },
  {
    name: "infinite recursion bounded",
    input: '{{define "R"}}{{template "R" .}}{{end}}{{template "R" .}}',
    error: /exceeded maximum template depth \(100\)/,
  },
  {
    name: "error in define names template",
    input: '{{define "T"}}{{.a.b}}{{end}}{{template "T" .}}',
    data: { a: "s" },
    error: 'template: t:1:18: executing "T" at <.a.b>: can\'t evaluate field b in type interface {}',
  },
  {
    name: "multiple define",
    input: '{{define "a"}}x{{end}}{{define "a"}}y{{end}}',
    error: 'template: multiple definition of template "a"',
  },
  { name: "define only", input: '{{define "a"}}x{{end}}', output: "" },
  // Builtins: and / or / not.
  { name: "and", input: "{{and 1 0}} {{and 1 1}} {{and 0 1}}", output: "0 1 0" },
  { name: "or", input: '{{or 0 0}} {{or 0 "x"}} {{or 1 2}}', output: "0 x 1" },
  {
    name: "and short-circuit",
    input: "{{and false (fail)}}",
    output: "false",
    opts: {
      funcs: {
        fail: () => {
          throw new Error("boom");
        },
      },
    },
  },
  {
    name: "or short-circuit",
    input: "{{or true (fail)}}",
    output: "true",
    opts: {
      funcs: {
        fail: () => {
          throw new Error("boom");
        },
      },
    },
  },
  { name: "and pipeline", input: "{{1 | and 2}}", output: "1" },
  { name: "or pipeline", input: "{{0 | or 0}}", output: "0" },
  { name: "and no args", input: "{{and}}", error: "wrong number of args for and: want at least 1 got 0" },
  { name: "not", input: "{{not true}} {{not 0}} {{not .SI}}", data: tVal, output: "false true false" },
  { name: "not arity", input: "{{not 1 2}}", error: "wrong number of args for not: want 1 got 2" },
  // len / index / slice.
  { name: "len slice", input: "{{len .SI}}", data: tVal, output: "3" },
  { name: "len map", input: "{{len .MSI}}", data: tVal, output: "3" },
  { name: "len string bytes", input: '{{len "héllo"}}', output: "6" },
  { name: "len bytes", input: "{{len .Bytes}}", data: tVal, output: "2" },
  { name: "len int", input: "{{len 3}}", error: "error calling len: len of type int" },
  { name: "index slice", input: "{{index .SI 0}} {{index .SI 2}}", data: tVal, output: "3 5" },
  { name: "index map", input: '{{index .MSI "two"}}', data: tVal, output: "2" },
  { name: "index map missing", input: '{{index .MSI "xyz"}}', data: tVal, output: "<no value>" },
  { name: "index nested", input: '{{index .SMSI 1 "eleven"}}', data: tVal, output: "11" },
  { name: "index string", input: '{{index "abc" 1}}', output: "98" },
  {
    name: "index out of range",
    input: "{{index .SI 10}}",
    data: tVal,
    error: 'template: t:1:2: executing "t" at <index .SI 10>: error calling index: index out of range: 10',
  },
  {
    name: "index at len",
    input: "{{index .SI 3}}",
    data: tVal,
    error: "error calling index: reflect: slice index out of range",
  },
  {
    name: "index negative",
    input: "{{index .SI -1}}",
    data: tVal,
    error: "error calling index: index out of range: -1",
  },
  {
    name: "index bad type",
    input: '{{index .SI "a"}}',
    data: tVal,
    error: "error calling index: cannot index slice/array with type string",
  },
  {
    name: "index map bad key",
    input: "{{index .MSI 1}}",
    data: tVal,
    error: "error calling index: value has type int; should be string",
  },
  { name: "index nil", input: "{{index nil 1}}", error: "error calling index: index of untyped nil" },
  { name: "index of int", input: "{{index 3 1}}", error: "error calling index: can't index item of type int" },
  { name: "index no indexes", input: "{{index .SI}}", data: tVal, output: "[3 4 5]" },
  { name: "slice", input: "{{slice .SI 1}} {{slice .SI 1 2}} {{slice .SI}}", data: tVal, output: "[4 5] [4] [3 4 5]" },
  { name: "slice 3", input: "{{slice .SI 0 1 2}}", data: tVal, output: "[3]" },
  { name: "slice string", input: '{{slice "hello" 1 3}}', output: "el" },
  {
    name: "slice string 3 idx",
    input: '{{slice "hello" 1 2 3}}',
    error: "error calling slice: cannot 3-index slice a string",
  },
  {
    name: "slice bad order",
    input: "{{slice .SI 2 1}}",
    data: tVal,
    error: "error calling slice: invalid slice index: 2 > 1",
  },
  {
    name: "slice out of range",
    input: "{{slice .SI 1 4}}",
    data: tVal,
    error: "error calling slice: index out of range: 4",
  },
  { name: "slice of int", input: "{{slice 3 1}}", error: "error calling slice: can't slice item of type int" },
  // print family.
  { name: "print", input: '{{print 1 2 "a" "b" 3}}', output: "1 2ab3" },
  { name: "print nil", input: "{{print nil}}", output: "<nil>" },
  { name: "print missing", input: "{{print .missing}}", data: {}, output: "<nil>" },
  { name: "println", input: '{{println 1 "a" 2}}', output: "1 a 2\n" },
  { name: "printf", input: '{{printf "%d-%s-%v" 1 "a" .SI}}', data: tVal, output: "1-a-[3 4 5]" },
  { name: "printf pipeline", input: '{{.X | printf "<%s>"}}', data: tVal, output: "<x>" },
  { name: "printf no format", input: "{{printf 3}}", error: "expected string; found 3" },
  { name: "printf missing arg", input: '{{printf "%d %d" 1}}', output: "1 %!d(MISSING)" },
  { name: "printf extra", input: '{{printf "%d" 1 2 "x"}}', output: "1%!(EXTRA int=2, string=x)" },
  { name: "printf bad verb", input: '{{printf "%d" "x"}}', output: "%!d(string=x)" },
  { name: "print duration", input: '{{.D}} {{printf "%d" .D}}', data: tVal, output: "1h2m3s 3723000000000" },
  { name: "print bytes", input: '{{.Bytes}} {{printf "%s" .Bytes}}', data: tVal, output: "[104 105] hi" },
  // html / js / urlquery.
  {
    name: "html",
    input: '{{html "<script>alert(\\"XSS\\");</script>"}}',
    output: "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
  },
  { name: "html pipeline", input: "{{printf \"<a & 'b'>\" | html}}", output: "&lt;a &amp; &#39;b&#39;&gt;" },
  { name: "html multiple args", input: "{{html 1 2}}", output: "1 2" },
  { name: "js", input: "{{js .}}", data: "It'd be nice.", output: "It\\'d be nice." },
  {
    name: "js specials",
    input: '{{js "<a=\\"b\\"&\\\\>\\n"}}',
    output: '\\u003Ca\\u003D\\"b\\"\\u0026\\\\\\u003E\\u000A',
  },
  { name: "urlquery", input: '{{"http://www.example.org/"|urlquery}}', output: "http%3A%2F%2Fwww.example.org%2F" },
  { name: "urlquery space", input: '{{urlquery "a b&c=d/é"}}', output: "a+b%26c%3Dd%2F%C3%A9" },
  // Comparisons.
  { name: "eq true", input: "{{eq true true}}", output: "true" },
  { name: "eq false", input: "{{eq true false}}", output: "false" },
  { name: "eq ints", input: "{{eq 1 1}} {{eq 1 2}}", output: "true false" },
  { name: "eq floats", input: "{{eq 1.5 1.5}}", output: "true" },
  { name: "eq strings", input: '{{eq "xy" "xy"}} {{eq "xy" "xyz"}}', output: "true false" },
  { name: "eq multi", input: "{{eq 1 3 2 1}} {{eq 1 3 2 4}}", output: "true false" },
  {
    name: "eq int float",
    input: "{{eq 1 1.0}}",
    error: "error calling eq: incompatible types for comparison: int and float64",
  },
  {
    name: "eq string int",
    input: '{{eq "1" 1}}',
    error: "error calling eq: incompatible types for comparison: string and int",
  },
  { name: "eq nil nil", input: "{{eq nil nil}}", output: "true" },
  { name: "eq string nil", input: '{{eq "x" .missing}}', data: {}, output: "false" },
  {
    name: "eq slices",
    input: "{{eq .SI .SI}}",
    data: tVal,
    error: "error calling eq: non-comparable type [3 4 5]: []interface {}",
  },
  { name: "eq missing arg", input: "{{eq 1}}", error: "error calling eq: missing argument for comparison" },
  { name: "ne", input: "{{ne 1 2}} {{ne 1 1}}", output: "true false" },
  { name: "lt ints", input: "{{lt 1 2}} {{lt 2 1}} {{lt 1 1}}", output: "true false false" },
  { name: "lt floats", input: "{{lt 1.5 2.5}}", output: "true" },
  { name: "lt strings", input: '{{lt "a" "b"}} {{lt "b" "a"}}', output: "true false" },
  { name: "le", input: "{{le 1 1}} {{le 2 1}}", output: "true false" },
  { name: "gt", input: "{{gt 2 1}} {{gt 1 1}}", output: "true false" },
  { name: "ge", input: "{{ge 1 1}} {{ge 0 1}}", output: "true false" },
  { name: "lt bool", input: "{{lt true false}}", error: "error calling lt: invalid type for comparison" },
  {
    name: "lt mixed",
    input: "{{lt 1 1.5}}",
    error: "error calling lt: incompatible types for comparison: int and float64",
  },
  { name: "lt slice", input: "{{lt .SI 1}}", data: tVal, error: "error calling lt: invalid type for comparison" },
  { name: "lt arity", input: "{{lt 1}}", error: "wrong number of args for lt: want 2 got 1" },
  { name: "eq durations", input: "{{eq .D .D}}", data: tVal, output: "true" },
  // call.
  { name: "call", input: '{{call .F "x" 2}}', data: { F: (a: unknown, b: unknown) => `${a}${b}` }, output: "x2" },
  { name: "call nil", input: "{{call .nope}}", data: {}, error: "error calling call: call of nil" },
  {
    name: "call non-func",
    input: "{{call .X}}",
    data: tVal,
    error: "error calling call: non-function .X of type string",
  },
  {
    name: "call error",
    input: "{{call .F}}",
    data: {
      F: () => {
        throw new Error("bad");
      },
    },
    error: "error calling call: error calling .F: bad",
  },
  // Custom functions.
  {
    name: "custom func",
    input: '{{upper "x"}}',
    output: "X",
    opts: { funcs: { upper: (s) => String(s).toUpperCase() } },
  },
  {
    name: "custom func error",
    input: '{{upper "x"}}',
    error: 'template: t:1:2: executing "t" at <upper "x">: error calling upper: nope',
    opts: {
      funcs: {
        upper: () => {
          throw new Error("nope");
        },
      },
    },
  },
  { name: "undefined function", input: "{{nope}}", error: 'template: t:1: function "nope" not defined' },
  {
    name: "func receives nil for missing",
    input: "{{f .missing}}",
    data: {},
    output: "null",
    opts: { funcs: { f: (v) => String(v) } },
  },
  { name: "func receives bigint", input: "{{f 3}}", output: "bigint", opts: { funcs: { f: (v) => typeof v } } },
  { name: "func receives float", input: "{{f 3.0}}", output: "number", opts: { funcs: { f: (v) => typeof v } } },
  { name: "func nil result", input: "{{f}}", output: "<no value>", opts: { funcs: { f: () => null } } },
  // Delimiters.
  {
    name: "custom delims",
    input: "[[.X]] {{.X}}",
    data: tVal,
    output: "x {{.X}}",
    opts: { leftDelim: "[[", rightDelim: "]]" },
  },
  {
    name: "custom delims trim",
    input: "a <<- .X ->> b",
    data: tVal,
    output: "axb",
    opts: { leftDelim: "<<", rightDelim: ">>" },
  },
  { name: "custom delims comment", input: "a<</* c */>>b", output: "ab", opts: { leftDelim: "<<", rightDelim: ">>" } },
  // Methods on values.
  { name: "duration method", input: "{{.D.Hours}}", data: tVal, output: "1.0341666666666667" },
  { name: "duration seconds", input: "{{.D.Seconds}} {{.D.Milliseconds}}", data: tVal, output: "3723 3723000" },
  { name: "method arity", input: "{{.D.Hours 1}}", data: tVal, error: "wrong number of args for Hours: want 0 got 1" },
  // Go-shaped location with multiple lines and UTF-8 columns (a chain is positioned at its last field).
  {
    name: "line and byte column",
    input: "line1\né {{.a.b}}",
    data: { a: 1n },
    error: 'template: t:2:7: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}',
  },
];

function typeName(v: unknown): string {
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float64";
  return typeof v;
}

function count(n: unknown): string[] {
  return "abcdefghijklmnopqrstuvwxyz".slice(0, Number(n)).split("");
}

describe("text/template execution", () => {
  for (const c of cases) {
    test(c.name, () => {
      const opts: TemplateOptions = { ...c.opts, funcs: { count, ...c.opts?.funcs } };
      if (c.error !== undefined) {
        assert.throws(
          () => render("t", c.input, c.data, opts),
          (e: unknown) => {
            assert.ok(e instanceof TemplateError, `expected TemplateError, got ${e}`);
            if (typeof c.error === "string")
              assert.ok(e.message.includes(c.error), `message ${JSON.stringify(e.message)}`);
            else assert.match(e.message, c.error!);
            return true;
          },
        );
      } else {
        assert.equal(render("t", c.input, c.data, opts), c.output);
      }
    });
  }
});
