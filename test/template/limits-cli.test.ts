import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it, test } from "node:test";
import { fileURLToPath } from "node:url";
import { GoTime, type render, renderESO, TemplateError, UTC } from "../../src/template/index.js";
import { type Case, type ErrCase, errors, table } from "./funcs-helpers.js";

function fails(text: string, message: RegExp, opts: Parameters<typeof render>[3] = {}, data: unknown = {}): void {
  assert.throws(
    () => renderESO("t", text, data, opts),
    (e: Error) => e instanceof TemplateError && message.test(e.message),
  );
}

describe("bounded execution: every limit breach is a clear error naming the template and node", () => {
  it("steps", () => {
    fails(
      "{{range 50}}{{range 50}}x{{end}}{{end}}",
      /^template: t:1:\d+: executing "t" at <.*>: .*limit of 500 steps$/,
      {
        limits: { maxSteps: 500 },
      },
    );
  });
  it("output size", () => {
    fails('{{range 20}}{{"0123456789"}}{{end}}', /template output exceeded the limit of 100 bytes/, {
      limits: { maxOutputBytes: 100 },
    });
  });
  it("range length", () => {
    fails(
      "{{range 1000}}{{end}}",
      /^template: t:1:\d+: executing "t" at <\{\{range 1000\}\}\{\{end\}\}>: range over 1000 elements exceeds the limit of 10$/,
      {
        limits: { maxRangeLength: 10 },
      },
    );
    fails(
      "{{range .}}{{end}}",
      /range over 11 elements exceeds the limit of 10/,
      { limits: { maxRangeLength: 10 } },
      Array(11).fill("x"),
    );
  });
  it("recursion depth", () => {
    fails('{{define "R"}}{{template "R" .}}{{end}}{{template "R" .}}', /exceeded maximum template depth \(7\)/, {
      limits: { maxDepth: 7 },
    });
  });
  it("parse nesting deeper than the stack allows", () => {
    fails(`{{${"(".repeat(50_000)}1${")".repeat(50_000)}}}`, /^template: t: template nesting too deep to parse$/);
    fails(
      `${"{{ if 1 }}".repeat(50_000)}x${"{{ end }}".repeat(50_000)}`,
      /^template: t: template nesting too deep to parse$/,
    );
  });
  it("values functions build: huge sequences, random strings and padding fail before allocating", () => {
    fails(
      "{{ len (until 50000000) }}",
      /at <until 50000000>: error calling until: result of 50000000 elements exceeds the template limit of 1000000 elements$/,
    );
    fails("{{ seq 1 30000000 }}", /error calling seq: result of 30000000 elements exceeds/);
    fails("{{ untilStep 0 100000000 2 }}", /error calling untilStep: result of 50000000 elements/);
    fails(
      "{{ randAlpha 100000000 }}",
      /error calling randAlpha: result of 100000000 bytes exceeds the template limit of 4194304 bytes/,
    );
    fails("{{ randBytes 100000000 }}", /error calling randBytes: result of \d+ bytes exceeds/);
    fails('{{ indent 100000000 "x" }}', /error calling indent: result of \d+ bytes exceeds/);
    fails('{{ repeat 5000000 "x" }}', /error calling repeat: result of 5000000 bytes exceeds/);
    fails('{{ replace "" "xxxxxxxxxx" (repeat 1000000 "a") }}', /error calling replace: result of \d+ bytes exceeds/);
  });
  it("values doubled in a loop are stopped by the value limits", () => {
    fails(
      '{{ $x := "ab" }}{{ range 40 }}{{ $x = print $x $x }}{{ end }}',
      /at <print \$x \$x>: error calling print: result of 8388608 bytes exceeds/,
    );
    fails(
      "{{ $l := list 1 }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}{{ toJson $l }}",
      /at <list \$l \$l>: error calling list: result of more than 1000000 elements/,
    );
    fails(
      "{{ $l := list 1 }}{{ range 10 }}{{ $l = concat $l $l }}{{ end }}",
      /error calling concat: result of more than 100 elements/,
      {
        limits: { maxValueSize: 100 },
      },
    );
  });
  it("values passed through unchanged are not limited (they were not built by the template)", () => {
    const big = Array.from({ length: 50 }, (_, i) => i);
    assert.equal(renderESO("t", "{{ len (default list .) }}", big, { limits: { maxValueSize: 10 } }), "50");
  });
  it("fmt refuses widths and precisions above a million, as Go does", () => {
    assert.equal(renderESO("t", '{{ printf "%*d" 10000000 1 }}', {}), "%!(BADWIDTH)1");
    assert.equal(renderESO("t", '{{ printf "%.*f" 10000000 1.5 }}', {}), "%!(BADPREC)1.500000");
    assert.equal(renderESO("t", '{{ printf "%99999999999d|" 1 }}', {}), "%!(NOVERB)%!(EXTRA int=1)");
    assert.equal(renderESO("t", '{{ printf "%6.2f|%-4d|" 3.14159 7 }}', {}), "  3.14|7   |");
  });
});

describe("renderESO: ESO's engine v2 function map", () => {
  it("has Sprig and ESO functions with missingkey=error", () => {
    const out = renderESO("t", '{{ .user | upper }}:{{ .pass | b64enc }}:{{ dict "a" 1 | toYaml | trim }}', {
      user: "app",
      pass: "s3cret",
    });
    assert.equal(out, "APP:czNjcmV0:a: 1");
    assert.throws(
      () => renderESO("k", "{{ .foo }}", { bar: "x" }),
      (e: Error) => e.message === 'template: k:1:3: executing "k" at <.foo>: map has no entry for key "foo"',
    );
  });
  it("env, expandenv and getHostByName are not available", () => {
    for (const f of ["env", "expandenv", "getHostByName"]) {
      assert.throws(
        () => renderESO("t", `{{ ${f} "HOME" }}`, {}),
        (e: Error) => e.message === `template: t:1: function "${f}" not defined`,
      );
    }
  });
});

describe("sprig must* variants and htmlDate", () => {
  const noon = new GoTime(1699963200_000000000n, UTC);
  table([
    ["htmlDate", [noon], "2023-11-14"],
    [
      "mustToPrettyJson",
      [{ b: [1n, "<x>"], a: null }],
      '{\n  "a": null,\n  "b": [\n    1,\n    "\\u003cx\\u003e"\n  ]\n}',
    ],
    ["mustToRawJson", [{ b: "<x>&", a: 1.5 }], '{"a":1.5,"b":"<x>&"}'],
    ["mustDeepCopy", [{ a: [1n, { b: "c" }] }], { a: [1n, { b: "c" }] }],
    ["mustMerge", [{ a: 1n }, { a: 2n, b: 3n }], { a: 1n, b: 3n }],
    [
      "mustMergeOverwrite",
      [
        { a: 1n, n: { x: 1n } },
        { a: 2n, n: { y: 2n } },
      ],
      { a: 2n, n: { x: 1n, y: 2n } },
    ],
    ["mustAppend", [[1n], 2n], [1n, 2n]],
    ["mustRest", [[1n, 2n, 3n]], [2n, 3n]],
    ["mustInitial", [[1n, 2n, 3n]], [1n, 2n]],
    ["mustReverse", [["a", "b"]], ["b", "a"]],
    ["mustUniq", [[1n, 2n, 1n]], [1n, 2n]],
    ["mustWithout", [[1n, 2n, 3n], 2n], [1n, 3n]],
    ["mustRegexFindAll", ["[0-9]+", "a1b22c333", -1n], ["1", "22", "333"]],
    ["mustRegexReplaceAllLiteral", ["a(x*)b", "-ab-axxb-", "$1"], "-$1-$1-"],
    ["mustRegexSplit", ["[,;]", "a,b;c", -1n], ["a", "b", "c"]],
  ] satisfies Case[]);
  errors([
    ["mustAppend", ["x", 1n], "Cannot push on type string"],
    ["mustRest", [1n], "Cannot find rest on type int"],
    ["mustInitial", [true], "Cannot find initial on type bool"],
    ["mustReverse", ["ab"], "Cannot find reverse on type string"],
    ["mustUniq", [1n], "Cannot find uniq on type int"],
    ["mustWithout", ["ab", 1n], "Cannot find without on type string"],
    ["mustRegexFindAll", ["(", "x", -1n], /^error parsing regexp: missing closing \): `\(`$/],
    ["mustRegexReplaceAllLiteral", ["[", "x", "y"], /^error parsing regexp: missing closing \]: `\[`$/],
    ["mustRegexSplit", ["a**", "x", -1n], "error parsing regexp: invalid nested repetition operator: `**`"],
    ["mustToPrettyJson", [Number.NaN], "json: unsupported value: NaN"],
  ] satisfies ErrCase[]);
});

// Compiled tests run the compiled CLI; tests run from TypeScript run the TypeScript CLI through tsx.
const fromSource = fileURLToPath(import.meta.url).endsWith(".ts");
const cli = fromSource
  ? ["--import", "tsx", fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))]
  : [fileURLToPath(new URL("../../src/cli/main.js", import.meta.url))];

function esoTemplate(input: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [...cli, "template", ...args], { input, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("eso template renders JSON stdin with Sprig and ESO functions; errors go to stderr with exit 1", () => {
  const ok = esoTemplate(
    JSON.stringify({
      template:
        'postgres://{{ .user }}:{{ .password | urlquery }}@{{ .host | lower }}:{{ .port }}/{{ .db | default "app" }}',
      data: { user: "app", password: "p@ss w/rd", host: "DB.example.com", port: 5432, db: "" },
    }),
  );
  assert.equal(ok.stderr, "");
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, "postgres://app:p%40ss+w%2Frd@db.example.com:5432/app");

  const missing = esoTemplate(JSON.stringify({ template: "a\n{{ .nope }}", data: {} }), "--name", "conn");
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.equal(missing.stderr, 'template: conn:2:3: executing "conn" at <.nope>: map has no entry for key "nope"\n');

  const parse = esoTemplate(JSON.stringify({ template: "{{ if }}", data: {} }));
  assert.equal(parse.code, 1);
  assert.equal(parse.stderr, "template: template:1: missing value for if\n");

  const delims = esoTemplate(
    JSON.stringify({ template: "<< .a >>{{ .a }}", data: { a: "x" } }),
    "--left-delimiter",
    "<<",
    "--right-delimiter",
    ">>",
  );
  assert.equal(delims.stdout, "x{{ .a }}");
  const esoFlags = esoTemplate(
    JSON.stringify({ template: "[[ .a | upper ]]", data: { a: "x" } }),
    "--template-left-delimiter=[[",
    "--template-right-delimiter=]]",
  );
  assert.equal(esoFlags.stdout, "X");

  const notJson = esoTemplate('{"template": "x", "data": {"password": "hunter2" oops}}');
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /^eso template: invalid JSON on stdin/);
  assert.ok(!notJson.stderr.includes("hunter2"));
  const noTemplate = esoTemplate(JSON.stringify({ data: {} }));
  assert.equal(noTemplate.code, 1);
  assert.match(noTemplate.stderr, /"template" must be a string/);
});
