/** metav1.LabelSelector matching (matchLabels and matchExpressions), as LabelSelectorAsSelector. */

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** An empty selector matches everything, as in Kubernetes. An unknown operator matches nothing. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, req.key);
    switch (req.operator) {
      case "In":
        if (!has || !(req.values ?? []).includes(l[req.key]!)) return false;
        break;
      case "NotIn":
        if (has && (req.values ?? []).includes(l[req.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
