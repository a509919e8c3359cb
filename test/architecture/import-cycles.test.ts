/**
 * No module of src/ imports itself back through a chain of value imports: a cycle makes load order matter
 * (undefined bindings at start-up) and blurs which module is built on which. Type-only imports are erased and
 * do not count. The layer rules (which folder may import which) are biome's noRestrictedImports, in biome.json.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { repoPath } from "../api/repo.js";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

const VALUE_IMPORT = /^(?:import|export)\s+(?!type\s)[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gms;

/** Relative value imports of each file, resolved to .ts paths. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(root)) {
    const text = readFileSync(file, "utf8");
    const deps: string[] = [];
    for (const m of text.matchAll(VALUE_IMPORT)) {
      const clause = m[0];
      // `import { type A, type B } from` is type-only too.
      const names = /\{([^}]*)\}/.exec(clause)?.[1];
      if (
        names &&
        !/^\s*(?:import|export)\s+\w/.test(clause.replace(/\{[^}]*\}/, "")) &&
        names.split(",").every((n) => n.trim() === "" || n.trim().startsWith("type "))
      )
        continue;
      deps.push(resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
    }
    graph.set(file, deps);
  }
  return graph;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === "visiting") cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("import structure", () => {
  it("src/ has no import cycles", () => {
    const root = repoPath("src");
    const graph = importGraph(root);
    assert.ok(graph.size > 100, "the walk found the sources");
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(root, f)).join(" -> "));
    assert.deepEqual(cycles, []);
  });

  it("finds a cycle when there is one", () => {
    const a = "/x/a.ts";
    const b = "/x/b.ts";
    assert.equal(
      findCycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ).length,
      1,
    );
  });
});
