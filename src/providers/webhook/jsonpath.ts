/**
 * JSONPath for webhook `result.jsonPath`, in the dialect of PaesslerAG/jsonpath (what upstream ESO evaluates it
 * with): the path starts with `$`; a definite path (no wildcard, descent or filter) yields one value, otherwise the
 * list of matches; filters compare typed values and also run over an object's members. Steps: src/util/jsonpath.ts.
 */
import { isDefinite, JsonPathError, parseSteps, selectSteps } from "../../util/jsonpath.js";

export { JsonPathError };

const rules = { overObjects: true, equals: (a: unknown, b: unknown) => a === b };

/** Evaluates `path` on a parsed JSON document. Throws JsonPathError when a definite path matches nothing. */
export function evaluateJsonPath(doc: unknown, path: string): unknown {
  const p = path.trim();
  if (!p.startsWith("$")) throw new JsonPathError(`JSONPath must start with $: ${path}`);
  const steps = parseSteps(p, 1, path);
  const nodes = selectSteps(doc, steps, rules);
  if (!isDefinite(steps)) return nodes;
  if (nodes.length === 0) throw new JsonPathError(`JSONPath ${path} matched nothing`);
  return nodes[0];
}
