/**
 * The executor's own bounds, in-process (as `eso template` and the pool's workers run it): a byte budget over
 * what the template holds in variables, arguments and output, and a wall-clock deadline checked between steps
 * and function calls. Also the error kind that stands in for a failing function's argument text.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callErrorKind } from "../../src/template/error-kind.js";
import { renderESO, TemplateLimitError } from "../../src/template/index.js";

const MiB = 1024 * 1024;
const budget = { maxMemoryBytes: 16 * MiB };

function limitOf(fn: () => unknown): { limit: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof TemplateLimitError)) throw e;
    return { limit: e.limit, message: e.message };
  }
}

describe("template memory budget", () => {
  const bombs: [string, string][] = [
    ["append", "{{ $x := list }}{{ range until 60 }}{{ $x = append $x (randAlpha 1000000) }}{{ end }}"],
    // equal strings built over and over: bounded by what the template builds in all (four times its budget)
    [
      "append of equal strings",
      '{{ $x := list }}{{ range until 100 }}{{ $x = append $x (repeat 1000000 "a") }}{{ end }}',
    ],
    [
      "dict set",
      "{{ $d := dict }}{{ range $i, $e := until 60 }}{{ $_ := set $d (toString $i) (randAlpha 1000000) }}{{ end }}",
    ],
    ["one call", `{{ list ${Array.from({ length: 30 }, () => "(randAlpha 1000000)").join(" ")} | len }}`],
    ["toJson", '{{ $x := list }}{{ range until 60 }}{{ $x = append $x (repeat 999999 "a" | list | toJson) }}{{ end }}'],
    [
      "cat",
      '{{ $x := list }}{{ range until 60 }}{{ $x = append $x (cat (repeat 500000 "a") (repeat 500000 "b")) }}{{ end }}',
    ],
  ];
  for (const [name, text] of bombs) {
    it(`stops strings held through ${name} at the byte budget`, () => {
      const hit = limitOf(() => renderESO("t", text, {}, { limits: budget }));
      assert.equal(hit?.limit, "memory", `${name} was not stopped`);
      assert.match(hit!.message, /template exceeded its memory limit of 16 MiB$/);
    });
  }

  it("lets a template hold less than its budget, and leaves the input data out of it", () => {
    const text = '{{ $x := list }}{{ range until 10 }}{{ $x = append $x (repeat 1000000 "a") }}{{ end }}{{ len $x }}';
    assert.equal(renderESO("t", text, {}, { limits: budget }), "10");
    const data = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "v".repeat(1_000_000)]));
    assert.equal(
      renderESO("t", "{{ $all := . }}{{ len $all }} {{ .k3 | len }}", data, { limits: budget }),
      "30 1000000",
    );
  });

  it("counts what a template drops only while it holds it", () => {
    // 60 x 1 MB built, but never more than one held at a time.
    const text = '{{ range until 60 }}{{ $s := repeat 1000000 "a" }}{{ len $s }}{{ end }}';
    assert.equal(renderESO("t", text, {}, { limits: budget }), "1000000".repeat(60));
  });
});

describe("template deadline", () => {
  it("stops a loop of CPU-heavy calls at the deadline, naming where", () => {
    const t0 = performance.now();
    const hit = limitOf(() =>
      renderESO("t", '{{ range until 1000 }}{{ bcrypt "x" }}{{ end }}', {}, { limits: { timeoutMs: 300 } }),
    );
    assert.equal(hit?.limit, "timeout");
    assert.match(hit!.message, /^template: t:1:\d+: executing "t" at <bcrypt "x">: template timed out after 300ms$/);
    assert.ok(performance.now() - t0 < 2_000);
  });

  it("stops a long loop of cheap steps too", () => {
    const text = "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}";
    const hit = limitOf(() =>
      renderESO("t", text, {}, { limits: { timeoutMs: 200, maxSteps: 1e12, maxRangeLength: 1e6 } }),
    );
    assert.equal(hit?.limit, "timeout");
  });
});

describe("error kind of a failing function", () => {
  it("keeps Go's fixed phrases and drops everything else", () => {
    assert.equal(
      callErrorKind('strconv.Atoi: parsing "SeCrEt": invalid syntax'),
      "strconv.Atoi: invalid syntax [arguments withheld]",
    );
    assert.equal(
      callErrorKind('parsing time "S3CRET" as "2006": cannot parse "S3CRET" as "2006"'),
      "parsing time: cannot parse [arguments withheld]",
    );
    assert.equal(callErrorKind("illegal base64 data at input byte 4"), "illegal base64 data at input byte 4");
    assert.equal(callErrorKind("hunter2 is my password"), "[arguments withheld]");
    assert.equal(
      callErrorKind("invalid character 'h' looking for beginning of value"),
      "invalid character: looking for beginning of value [arguments withheld]",
    );
  });
});
