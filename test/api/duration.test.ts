import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, isDuration, parseDuration } from "../../src/api/duration.js";

test("Go durations parse as time.ParseDuration does", () => {
  const ok: [string, number][] = [
    ["0", 0],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["15s", 15_000],
    ["300s", 300_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["2h45m10s", 9_910_000],
    ["-2m", -120_000],
    ["+5s", 5000],
    ["1µs", 0.001],
    ["100ns", 0.0001],
    [".5s", 500],
    ["1h0m0s", 3_600_000],
  ];
  for (const [text, ms] of ok) assert.equal(parseDuration(text), ms, text);
});

test("invalid durations are rejected", () => {
  for (const text of ["", "1", "h", "1d", "1hx", "one hour", "1h 30m", ".s", "-", "1.h2"]) {
    assert.equal(isDuration(text), false, text);
  }
  assert.equal(isDuration("1.h"), true);
  assert.throws(() => parseDuration("1d"), /unknown unit "d" in duration "1d"/);
  assert.throws(() => parseDuration("10"), /invalid duration "10"/);
});

test("durations format as Go's Duration.String", () => {
  assert.equal(formatDuration(3_600_000), "1h0m0s");
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(1500), "1.5s");
  assert.equal(formatDuration(500), "500ms");
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(-60_000), "-1m0s");
});
