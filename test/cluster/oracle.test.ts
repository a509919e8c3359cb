/**
 * Our Go-compatible template engine and regexp translation compared with Go itself: a Go program (test/oracle,
 * Go's text/template with ESO's template engine v2 function map imported from ESO's own module, and Go's regexp)
 * answers the same generated cases. Every difference is a bug in ours: generated cases avoid everything whose
 * Go result is nondeterministic (random, time, UUIDs, map order).
 *
 * Compared as is: output bytes, and error text (TemplateError.message, which is Go's full message; the redacted
 * `safeMessage` that status and events show withholds failing calls' arguments on purpose, so it is not compared).
 * Not compared: cases where our engine stops at one of its resource limits (a deliberate difference; counted).
 * Known differences (see knownTemplateDifference) are counted and printed apart; ORACLE_STRICT=1 fails on them.
 *
 * ORACLE_SEED=<n> replays a run (default: a fixed seed, so CI is deterministic; ORACLE_SEED=random explores); ORACLE_CASES=<n> sets the number of cases of each kind (default 10,000).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { RegexpError } from "../../src/regexp/errors.js";
import { GoRegexp } from "../../src/regexp/go-regexp.js";
import { goStringToBytes } from "../../src/template/funcs/index.js";
import { renderESO, TemplateError, TemplateLimitError } from "../../src/template/index.js";
import { buildOracle, Oracle, type OracleResponse } from "./oracle/client.js";
import { type RegexpCase, regexpCaseArb } from "./oracle/regexp-arbitraries.js";
import { dataArb, templateArb } from "./oracle/template-arbitraries.js";

// A fixed default seed keeps CI deterministic; ORACLE_SEED=random explores new cases (and prints the seed to replay).
const SEED_SETTING = process.env.ORACLE_SEED ?? "20261207";
const SEED = SEED_SETTING === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(SEED_SETTING);
const CASES = Number(process.env.ORACLE_CASES ?? 10_000);
const SHOWN = 15;

let oracle: Oracle;

before(() => {
  oracle = new Oracle(buildOracle());
});

after(async () => {
  await oracle?.stop();
});

interface Difference {
  input: unknown;
  ours: unknown;
  go: unknown;
}

/**
 * Known differences, not yet fixed, that follow from our value model (counted and shown, not failed unless
 * ORACLE_STRICT=1):
 *  - function-signature: Go checks the argument count and converts each argument to the function's parameter
 *    type by reflection before the call, and fails there ("wrong number of args for repeat: want 2 got 1",
 *    "wrong type for value; expected int; got int64", "invalid value; expected string", at the argument's node,
 *    without "error calling NAME:"). Most of our Sprig functions declare no Go signature: they take untyped values
 *    and check inside the call, so such templates fail elsewhere, or with "error calling NAME:", or (int64 into an
 *    int parameter, map[string]string into map[string]interface {}) not at all.
 *  - int64-named-int: Sprig's arithmetic returns int64, Go's literals and len are int; our bigint is "int" in
 *    messages and %T either way.
 *  - yaml-parser: fromYaml of malformed YAML: our YAML parser words its error differently from go-yaml, or
 *    rejects text go-yaml accepts (the text sits inside the map fromYaml returns under "Error").
 *  - yaml-complex-key: toYaml of a map key with a line break (or over 128 characters): go-yaml writes it as a
 *    "? " complex key; we write a plain or quoted key.
 */
const STRICT = process.env.ORACLE_STRICT === "1";
const SIGNATURE_CHECK =
  /^template: [^\n]*?: executing "[^"]*" at <[^\n]*?>: (?:wrong type for value; expected|invalid value; expected|expected \w+; found|wrong number of args for)/;
const YAML_ERROR = /error converting YAML to JSON: yaml: [^\]]*\]/g;

function knownTemplateDifference(go: OracleResponse, ours: Outcome): string | undefined {
  const goText = fromB64(go.ok ? go.out : go.err);
  if (!go.ok && SIGNATURE_CHECK.test(goText)) return "function-signature";
  if ("limit" in ours || ours.ok !== go.ok) return undefined;
  const oursText = fromB64(ours.ok ? ours.out : ours.err);
  const int64AsInt = (t: string) => t.replace(/int64/g, "int");
  if (goText.includes("int64") && int64AsInt(goText) === int64AsInt(oursText)) return "int64-named-int";
  const yamlError = "error converting YAML to JSON: yaml: ...]";
  if (goText.replace(YAML_ERROR, yamlError) === oursText.replace(YAML_ERROR, yamlError)) return "yaml-parser";
  const fromYamlError = /map\[Error:error (?:converting YAML to JSON: yaml:|unmarshaling JSON: while decoding JSON:)/;
  // Both reject the text (worded differently), or ours rejects what go-yaml accepts.
  if (fromYamlError.test(oursText)) return "yaml-parser";
  if (goText.includes("? ") && !oursText.includes("? ")) return "yaml-complex-key";
  return undefined;
}

function report(kind: string, compared: number, diffs: Difference[], extra = ""): void {
  console.log(`oracle ${kind}: seed ${SEED}, ${compared} cases compared, ${diffs.length} differences${extra}`);
  for (const d of diffs.slice(0, SHOWN)) console.log(JSON.stringify(d));
}

function reportKnown(known: Map<string, Difference[]>): void {
  for (const [kind, ds] of known) {
    console.log(`oracle templates: ${ds.length} known differences of kind ${kind}; first: ${JSON.stringify(ds[0])}`);
  }
}

function b64(s: string): string {
  return goStringToBytes(s).toString("base64");
}

function fromB64(s: string | undefined): string {
  return Buffer.from(s ?? "", "base64").toString("utf8");
}

type Outcome = { ok: true; out: string } | { ok: false; err: string } | { limit: true };

function renderOurs(text: string, data: Record<string, string>): Outcome {
  try {
    return { ok: true, out: b64(renderESO("t", text, data)) };
  } catch (e) {
    // our resource limits (TemplateLimitError, and the range, output and step limits) are deliberate
    if (e instanceof TemplateLimitError || /exceed(?:s|ed) the limit of \d+/.test((e as Error).message)) {
      return { limit: true };
    }
    if (e instanceof TemplateError) return { ok: false, err: b64(e.message) };
    return { ok: false, err: b64(`not a TemplateError: ${(e as Error)?.stack ?? e}`) };
  }
}

describe("Go oracle", () => {
  it(`renders ${CASES} generated templates exactly as Go's text/template + Sprig + ESO's functions do`, async () => {
    const sampled = fc.sample(fc.tuple(templateArb, dataArb), { numRuns: CASES, seed: SEED });
    // Ours first: a case that stops at one of our limits is not sent to Go, whose text/template has no limits.
    const oursAll = sampled.map(([text, data]) => renderOurs(text, data));
    const limited = oursAll.filter((o) => "limit" in o).length;
    const cases = sampled.filter((_, i) => !("limit" in oursAll[i]!));
    const oursByCase = oursAll.filter((o) => !("limit" in o));
    const answers = await oracle.ask(cases.map(([text, data]) => ({ op: "template", name: "t", text, data })));
    const diffs: Difference[] = [];
    const known = new Map<string, Difference[]>();
    let goErrors = 0;
    cases.forEach(([text, data], i) => {
      const go = answers[i] as OracleResponse;
      const ours = oursByCase[i]!;
      if ("limit" in ours) return;
      if (!go.ok) goErrors++;
      const same = ours.ok ? go.ok && (go.out ?? "") === ours.out : !go.ok && go.err === ours.err;
      if (!same) {
        const d = {
          input: { text, data },
          ours: ours.ok ? { out: fromB64(ours.out) } : { err: fromB64(ours.err) },
          go: go.ok ? { out: fromB64(go.out) } : { err: fromB64(go.err) },
        };
        const kind = STRICT ? undefined : knownTemplateDifference(go, ours);
        if (kind) known.set(kind, [...(known.get(kind) ?? []), d]);
        else diffs.push(d);
      }
    });
    const knownCount = [...known.values()].reduce((n, ds) => n + ds.length, 0);
    report(
      "templates",
      cases.length,
      diffs,
      ` (+${knownCount} known; ${goErrors} of them errors in Go; ${limited} stopped at our limits)`,
    );
    reportKnown(known);
    assert.ok(cases.length > CASES * 0.9, "most cases must be compared");
    assert.ok(goErrors < CASES * 0.7, `generated templates should mostly render: ${goErrors} errors`);
    assert.deepEqual(diffs.slice(0, SHOWN), [], `${diffs.length} templates differ from Go (seed ${SEED})`);
  });

  it(`matches, replaces and splits ${CASES} generated regexps exactly as Go's regexp does`, async () => {
    const cases = fc.sample(regexpCaseArb, { numRuns: CASES, seed: SEED });
    const answers = await oracle.ask(cases.map((c) => ({ op: "regexp", ...c })));
    const diffs: Difference[] = [];
    let compileErrors = 0;
    cases.forEach((c, i) => {
      const go = goRegexpResult(c, answers[i] as OracleResponse);
      if ("compileErr" in go) compileErrors++;
      const ours = ourRegexpResult(c);
      try {
        assert.deepStrictEqual(ours, go);
      } catch {
        diffs.push({ input: c, ours, go });
      }
    });
    report("regexps", cases.length, diffs, ` (${compileErrors} rejected by Go)`);
    assert.ok(compileErrors < CASES * 0.5, `generated regexps should mostly compile: ${compileErrors} rejected`);
    assert.deepEqual(diffs.slice(0, SHOWN), [], `${diffs.length} regexps differ from Go (seed ${SEED})`);
  });
});

/** A regexp outcome in a form both sides can produce: matches as [start byte, ...group texts (null: no part)]. */
type RegexpResult =
  | { compileErr: string }
  | { match: boolean; matches: (number | string | null)[][]; replaced: string; split: string[]; names: string[] };

function goRegexpResult(c: RegexpCase, go: OracleResponse): RegexpResult {
  if (go.compileErr !== undefined) return { compileErr: go.compileErr };
  const bytes = Buffer.from(c.input, "utf8");
  const matches = (go.matches ?? []).map((loc) => {
    const groups: (string | null)[] = [];
    for (let g = 0; g < loc.length; g += 2) {
      const [s, e] = [loc[g] as number, loc[g + 1] as number];
      groups.push(s < 0 ? null : bytes.subarray(s, e).toString("utf8"));
    }
    return [loc[0] as number, ...groups];
  });
  return {
    match: go.match ?? false,
    matches,
    replaced: go.replaced ?? "",
    split: go.split ?? [],
    names: go.names ?? [],
  };
}

function ourRegexpResult(c: RegexpCase): RegexpResult {
  let re: GoRegexp;
  try {
    re = new GoRegexp(c.expr);
  } catch (e) {
    return { compileErr: e instanceof RegexpError ? e.message : `not a RegexpError: ${e}` };
  }
  try {
    const matches = re.findAll(c.input, c.n).map((m) => {
      const groups = Array.from(m, (g) => g ?? null);
      return [Buffer.byteLength(c.input.slice(0, m.index), "utf8"), ...groups];
    });
    return {
      match: re.matches(c.input),
      matches,
      replaced: re.replaceAllString(c.input, c.repl),
      split: re.split(c.input, c.n),
      names: re.names,
    };
  } catch (e) {
    return { compileErr: `threw while matching: ${e}` };
  }
}
