/** metav1.LabelSelector as the label-selector query string the API server takes. */
import type { LabelSelector } from "../common/selector.js";

export class SelectorError extends Error {
  override readonly name = "SelectorError";
}

export function selectorToQuery(selector: LabelSelector, field: string): string {
  const terms: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) terms.push(`${k}=${v}`);
  for (const [i, req] of (selector.matchExpressions ?? []).entries()) {
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) throw new SelectorError(`${field}.matchExpressions[${i}].values: must not be empty`);
        terms.push(`${req.key} ${req.operator === "In" ? "in" : "notin"} (${values.join(",")})`);
        break;
      case "Exists":
        terms.push(req.key);
        break;
      case "DoesNotExist":
        terms.push(`!${req.key}`);
        break;
      default:
        throw new SelectorError(`${field}.matchExpressions[${i}].operator: "${req.operator}" is not a valid operator`);
    }
  }
  return terms.join(",");
}
