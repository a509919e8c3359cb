/**
 * time.Month and time.Weekday are Go int types with a String method: templates print them as names but
 * compare, index, convert and format with %d as integers, as Go does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderESO } from "../../src/template/index.js";

// Thursday, 31 October 2024.
const T = '{{ $t := toDate "2006-01-02T15:04:05Z07:00" "2024-10-31T06:07:08+02:00" }}';
const SUNDAY = '{{ $s := toDate "2006-01-02" "2024-11-03" }}';

const render = (text: string) => renderESO("t", T + SUNDAY + text, {});

describe("time.Month and time.Weekday in templates", () => {
  it("print as their names, and as integers with %d", () => {
    const cases: [string, string][] = [
      ["{{ $t.Month }} {{ $t.Weekday }} {{ $s.Weekday }}", "October Thursday Sunday"],
      ['{{ printf "%d %v %s %q" $t.Month $t.Month $t.Month $t.Month }}', '10 October October "October"'],
      ['{{ printf "%d/%d" $t.Weekday $s.Weekday }}', "4/0"],
      ['{{ printf "%5d|%-9v|%x" $t.Month $t.Month $t.Weekday }}', "   10|October  |5468757273646179"],
      [
        '{{ printf "%T %T" $t.Month $t.Weekday }} {{ typeOf $t.Month }} {{ kindOf $t.Weekday }}',
        "time.Month time.Weekday time.Month int",
      ],
      [
        "{{ $t.Month.String }} {{ list $t.Month $t.Weekday }} {{ print $t.Month }} {{ toString $t.Weekday }}",
        "October [October Thursday] October Thursday",
      ],
    ];
    for (const [text, want] of cases) assert.equal(render(text), want, text);
  });

  it("compare as integers in eq, ne, lt, le, gt and ge", () => {
    const cases: [string, string][] = [
      ["{{ eq $t.Month 10 }} {{ eq $t.Month 9 }} {{ ne $t.Month 9 }} {{ eq $t.Month 1 5 10 }}", "true false true true"],
      [
        "{{ lt $t.Weekday 6 }} {{ le $t.Weekday 4 }} {{ gt $t.Weekday 4 }} {{ ge $t.Month 10 }}",
        "true true false true",
      ],
      ["{{ lt $s.Weekday $t.Weekday }} {{ eq $t.Month $t.Month }} {{ eq 4 $t.Weekday }}", "true true true"],
      ["{{ if and (ge $t.Weekday 1) (le $t.Weekday 5) }}weekday{{ else }}weekend{{ end }}", "weekday"],
      ["{{ if and (ge $s.Weekday 1) (le $s.Weekday 5) }}weekday{{ else }}weekend{{ end }}", "weekend"],
    ];
    for (const [text, want] of cases) assert.equal(render(text), want, text);
  });

  it("are ints elsewhere too: truth (Sunday is 0), index, arithmetic, conversion and JSON", () => {
    const cases: [string, string][] = [
      ["{{ if $s.Weekday }}yes{{ else }}no{{ end }} {{ if $t.Weekday }}yes{{ end }}", "no yes"],
      ['{{ index (list "Su" "Mo" "Tu" "We" "Th" "Fr" "Sa") $t.Weekday }}', "Th"],
      ["{{ add $t.Month 1 }} {{ int $t.Weekday }} {{ float64 $t.Month }} {{ toJson $t.Month }}", "11 4 10 10"],
    ];
    for (const [text, want] of cases) assert.equal(render(text), want, text);
  });

  it("comparing with a string is Go's incompatible-types error, not a string match", () => {
    assert.throws(
      () => render('{{ eq $t.Month "October" }}'),
      /error calling eq: incompatible types for comparison: time.Month and string$/,
    );
    assert.throws(
      () => render('{{ lt $t.Weekday "6" }}'),
      /error calling lt: incompatible types for comparison: time.Weekday and string$/,
    );
  });
});
