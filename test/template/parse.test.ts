import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse, render, TemplateError } from "../../src/template/index.js";
import { lex, T } from "../../src/template/lexer.js";
import { nodeString } from "../../src/template/nodes.js";
import { parseTemplate } from "../../src/template/parser.js";

const hasFunction = (name: string) =>
  ["printf", "print", "len", "index", "and", "or", "not", "eq", "html", "upper"].includes(name);

function parsed(text: string): string {
  const trees = parseTemplate("t", text, { hasFunction });
  return nodeString(trees.get("t")!.root);
}

// Round-trip: the tree printed back as template source (Go's Tree.Root.String()).
const roundTrip: [string, string, string][] = [
  ["empty", "", ""],
  ["text", "some text", "some text"],
  ["comment dropped", "{{/*\n\n\n*/}}", ""],
  ["spaces", "{{  .X  }}", "{{.X}}"],
  ["field chain", "{{.X.Y.Z}}", "{{.X.Y.Z}}"],
  ["dot", "{{.}}", "{{.}}"],
  ["$", "{{$}}", "{{$}}"],
  ["variable chain", "{{$x := .Y}}{{$x.A.B}}", "{{$x := .Y}}{{$x.A.B}}"],
  ["assign", "{{$x := 1}}{{$x = 2}}", "{{$x := 1}}{{$x = 2}}"],
  ["pipeline", '{{.X|printf "%d"|html}}', '{{.X | printf "%d" | html}}'],
  ["parens", "{{printf (len .X)}}", "{{printf (len .X)}}"],
  ["chain on parens", "{{(.X).Y}}", "{{(.X).Y}}"],
  ["numbers", "{{1 -2 0x1F 1.5e3 'a'}}", "{{1 -2 0x1F 1.5e3 'a'}}"],
  ["raw string", "{{`x`}}", "{{`x`}}"],
  ["if", "{{if .X}}a{{end}}", "{{if .X}}a{{end}}"],
  ["if else", "{{if .X}}a{{else}}b{{end}}", "{{if .X}}a{{else}}b{{end}}"],
  ["else if", "{{if .X}}a{{else if .Y}}b{{end}}", "{{if .X}}a{{else}}{{if .Y}}b{{end}}{{end}}"],
  ["with else with", "{{with .X}}a{{else with .Y}}b{{end}}", "{{with .X}}a{{else}}{{with .Y}}b{{end}}{{end}}"],
  ["range", "{{range $i, $v := .X}}{{$v}}{{end}}", "{{range $i, $v := .X}}{{$v}}{{end}}"],
  ["range break", "{{range .X}}{{break}}{{continue}}{{end}}", "{{range .X}}{{break}}{{continue}}{{end}}"],
  ["template", '{{template "x" .}}', '{{template "x" .}}'],
  ["template no pipe", '{{template "x"}}', '{{template "x"}}'],
  ["trim", "a {{- .X -}} b", "a{{.X}}b"],
  ["newline in action", '{{printf\n"%d"\n1}}', '{{printf "%d" 1}}'],
];

// Parse errors: Go's messages with template name and line.
const parseErrors: [string, string, string][] = [
  ["unclosed action", "{{", "template: t:1: unclosed action"],
  ["unclosed action field", "{{.X", "template: t:1: unclosed action"],
  ["unclosed action across lines", "{{.X\n\n", "template: t:3: unclosed action started at t:1"],
  ["missing end", "{{range .X}}", "template: t:1: unexpected EOF"],
  ["stray end", "{{end}}", "template: t:1: unexpected {{end}}"],
  ["stray else", "{{else}}", "template: t:1: unexpected {{else}}"],
  ["double else", "{{if .X}}a{{else}}b{{else}}c{{end}}", "template: t:1: expected end; found {{else}}"],
  ["bad number", "{{3.x}}", 'template: t:1: bad number syntax: "3.x"'],
  ["bad char constant", "{{'ab'}}", "template: t:1: malformed character constant: 'ab'"],
  ["unterminated char", "{{'a}}", "template: t:1: unterminated character constant"],
  ["unterminated string", '{{"a}}', "template: t:1: unterminated quoted string"],
  ["unterminated raw", "{{`a}}", "template: t:1: unterminated raw quoted string"],
  ["bad escape", '{{"\\z"}}', "template: t:1: invalid syntax"],
  ["unclosed paren", "{{(1}}", "template: t:1: unclosed left paren"],
  ["unexpected right paren", "{{1)}}", "template: t:1: unexpected right paren"],
  ["unexpected char", "{{#}}", 'template: t:1: unexpected "#" in command'],
  ["empty parens", '{{printf "%d" ( ) }}', "template: t:1: missing value for parenthesized pipeline"],
  ["empty action", "{{}}", "template: t:1: missing value for command"],
  ["empty trimmed action", "{{- -}}", 'template: t:1: illegal number syntax: "-"'],
  ["undefined variable", "{{$x}}", 'template: t:1: undefined variable "$x"'],
  ["variable out of scope", "{{with $x := 4}}{{end}}{{$x}}", 'template: t:1: undefined variable "$x"'],
  ["undefined function", "{{foo 1}}", 'template: t:1: function "foo" not defined'],
  ["template name not string", "{{template .X}}", 'template: t:1: unexpected ".X" in template clause'],
  ["define unclosed", '{{define "a"}}x', "template: t:1: unexpected EOF"],
  ["define bad name", "{{define a}}x{{end}}", 'template: t:1: unexpected "a" in define clause'],
  ["too many range vars", "{{range $a, $b, $c := .}}{{end}}", "template: t:1: too many declarations in range"],
  ["two with vars", "{{with $x, $y := .}}{{end}}", "template: t:1: too many declarations in with"],
  ["break outside", "{{if .X}}{{break}}{{end}}", "template: t:1: {{break}} outside {{range}}"],
  ["break with args", "{{range .}}{{break 1}}{{end}}", 'template: t:1: unexpected "1" in {{break}}'],
  ["dot after field", "{{.X.}}", "template: t:1: unexpected <.> in operand"],
  ["field on nil", "{{nil.X}}", 'template: t:1: unexpected . after term "nil"'],
  ["field on bool", "{{true.X}}", 'template: t:1: unexpected . after term "true"'],
  ["non executable", "{{.X | 1}}", "template: t:1: non executable command in pipeline stage 2"],
  ["bad character", "{{.X$}}", "template: t:1: bad character U+0024 '$'"],
  ["unicode char", "{{.X}}{{€}}", "template: t:1: unrecognized character in action: U+20AC '€'"],
  ["error line", "a\nb\n{{end}}", "template: t:3: unexpected {{end}}"],
  ["comment unclosed", "{{/* x", "template: t:1: unclosed comment"],
  ["long token truncated", '{{if .X}}{{end "abcdefghijklmnop"}}', 'template: t:1: unexpected "\\"abcdefghi"... in end'],
  ["complex unsupported", "{{1+2i}}", "template: t:1: complex constants are not supported"],
];

describe("parser: round trip", () => {
  for (const [name, input, want] of roundTrip) {
    test(name, () => assert.equal(parsed(input), want));
  }
});

describe("parser: errors", () => {
  for (const [name, input, want] of parseErrors) {
    test(name, () => {
      assert.throws(
        () => parseTemplate("t", input, { hasFunction }),
        (e: unknown) => e instanceof TemplateError && e.message.startsWith(want),
      );
    });
  }
});

describe("lexer", () => {
  test("token stream of a simple action", () => {
    const toks = lex("a{{.X | printf `%d` 1}}b", "{{", "}}", { breakOK: true, continueOK: true });
    assert.deepEqual(
      toks.map((t) => [t.typ, t.val]),
      [
        [T.Text, "a"],
        [T.LeftDelim, "{{"],
        [T.Field, ".X"],
        [T.Space, " "],
        [T.Pipe, "|"],
        [T.Space, " "],
        [T.Identifier, "printf"],
        [T.Space, " "],
        [T.RawString, "`%d`"],
        [T.Space, " "],
        [T.Number, "1"],
        [T.RightDelim, "}}"],
        [T.Text, "b"],
        [T.EOF, ""],
      ],
    );
  });
  test("break is an identifier when a function named break exists", () => {
    const toks = lex("{{break}}", "{{", "}}", { breakOK: false, continueOK: true });
    assert.equal(toks[1]!.typ, T.Identifier);
  });
  test("names of Object.prototype members (toString, constructor) are identifiers, not keywords", () => {
    const toks = lex("{{toString constructor valueOf}}", "{{", "}}", { breakOK: true, continueOK: true });
    assert.deepEqual(
      toks.filter((t) => t.typ !== T.Space).map((t) => t.typ),
      [T.LeftDelim, T.Identifier, T.Identifier, T.Identifier, T.RightDelim, T.EOF],
    );
  });
  test("line numbers count newlines in text, actions and raw strings", () => {
    const toks = lex("a\n{{`x\ny`}}\n{{.Z}}", "{{", "}}", { breakOK: true, continueOK: true });
    const field = toks.find((t) => t.typ === T.Field)!;
    assert.equal(field.line, 4);
  });
  test("custom delimiters", () => {
    const toks = lex("<<.X>>{{.Y}}", "<<", ">>", { breakOK: true, continueOK: true });
    assert.deepEqual(
      toks.map((t) => t.typ),
      [T.LeftDelim, T.Field, T.RightDelim, T.Text, T.EOF],
    );
  });
});

describe("parse cache", () => {
  test("identical sources share one parsed template", () => {
    const a = parse("c", "{{.X}}-cache-test");
    const b = parse("c", "{{.X}}-cache-test");
    assert.equal(a, b);
    const c = parse("c", "{{.X}}-cache-test", { leftDelim: "[[", rightDelim: "]]" });
    assert.notEqual(a, c);
  });
  test("a function set is part of the key", () => {
    assert.throws(() => render("c", "{{upper .}}", "x"), /function "upper" not defined/);
    assert.equal(render("c", "{{upper .}}", "x", { funcs: { upper: (s) => String(s).toUpperCase() } }), "X");
  });
});
