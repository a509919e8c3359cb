import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { repoPath } from "./repo.js";
import { coverage, figure, measuredKinds, upstreamPaths } from "./upstream-coverage.js";

describe("coverage of upstream ESO's CRD fields", () => {
  test("the transcribed upstream field lists are well-formed and name their source commit", () => {
    for (const { kind, file } of measuredKinds) {
      const text = readFileSync(repoPath("test/fixtures/upstream-crds", file), "utf8");
      assert.match(text, /commit [0-9a-f]{40}/, `${file}: source commit`);
      const paths = upstreamPaths(file);
      assert.ok(paths.length >= 10, `${kind}: ${paths.length} fields`);
      assert.equal(new Set(paths).size, paths.length, `${file}: no path twice`);
      for (const p of paths) assert.match(p, /^spec(\.[A-Za-z0-9]+(\[\])?)+$/, `${file}: ${p}`);
    }
  });

  test("figures per kind, and the README never claims more than is served", (t) => {
    const measured = coverage();
    for (const c of measured) {
      t.diagnostic(figure(c));
      for (const m of c.missing) t.diagnostic(`  not served: ${m}`);
      for (const e of c.extra) t.diagnostic(`  ours only: ${e}`);
    }
    // The fields ESO users rely on most are served; a regression here loses them.
    const es = measured.find((c) => c.kind === "ExternalSecret")!;
    for (const p of ["spec.data[].remoteRef.key", "spec.dataFrom[].extract.key", "spec.target.template.data"]) {
      assert.ok(!es.missing.includes(p), p);
    }
    const readme = readFileSync(repoPath("README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("## Compatibility"),
      readme.indexOf("\n## ", readme.indexOf("## Compatibility") + 3),
    );
    for (const c of measured) {
      const label = `${c.kind}${c.scope ? ` (${c.scope})` : ""}`;
      const m = new RegExp(`${label.replace(/[().]/g, "\\$&")} (\\d+)/(\\d+) \\(([\\d.]+)%\\)`).exec(section);
      assert.ok(m, `README's compatibility section states ${label}'s coverage (now ${figure(c)})`);
      assert.equal(Number(m[2]), c.total, `${label}: README's total is upstream's field count`);
      assert.ok(Number(m[1]) <= c.served, `${label}: README claims ${m[1]}, served ${c.served}`);
      assert.equal(Number(m[3]), Math.floor((Number(m[1]) * 1000) / c.total) / 10, `${label}: percentage`);
    }
  });
});
