/**
 * whitelist.rules of a crd store: with rules, a read must satisfy every filter a rule sets (name, namespace for
 * a ClusterSecretStore, every requested property) of at least one rule. Patterns are Go regexps, matched
 * anywhere in the text as Go's MatchString.
 */
import type { CRDProviderWhitelistRule } from "../../api/providers/crd.js";
import type { GoRegexp } from "../../regexp/go-regexp.js";
import type { StoreKind } from "../provider.js";
import { compileGoRegexp } from "../util/go-regexp.js";

interface CompiledRule {
  name?: GoRegexp;
  namespace?: GoRegexp;
  properties: GoRegexp[];
}

/** The spec errors of the rules (empty rule, bad pattern), each naming its field under `field`. */
export function whitelistErrors(rules: CRDProviderWhitelistRule[] | undefined, field: string): string[] {
  const errors: string[] = [];
  (rules ?? []).forEach((r, i) => {
    const at = `${field}.rules[${i}]`;
    if (!r?.name && !r?.namespace && !r?.properties?.length) {
      errors.push(`${at}: a rule must set name, namespace or properties`);
    }
    const check = (expr: string | undefined, where: string) => {
      if (!expr) return;
      try {
        compileGoRegexp(expr);
      } catch (err) {
        errors.push(`${where}: invalid regexp: ${(err as Error).message}`);
      }
    };
    check(r?.name, `${at}.name`);
    check(r?.namespace, `${at}.namespace`);
    for (const [j, p] of (r?.properties ?? []).entries()) check(p, `${at}.properties[${j}]`);
  });
  return errors;
}

export class Whitelist {
  private readonly rules: CompiledRule[];

  /** Throws GoRegexpError on a bad pattern (the spec validation reports those first). */
  constructor(
    rules: CRDProviderWhitelistRule[] | undefined,
    private readonly storeKind: StoreKind,
  ) {
    this.rules = (rules ?? []).map((r) => ({
      name: r.name ? compileGoRegexp(r.name) : undefined,
      namespace: r.namespace ? compileGoRegexp(r.namespace) : undefined,
      properties: (r.properties ?? []).map((p) => compileGoRegexp(p)),
    }));
  }

  /** `namespace` is the object's ("" for cluster-scoped objects); `properties` what the read asks for. */
  allows(name: string, namespace: string, properties: string[]): boolean {
    if (this.rules.length === 0) return true;
    return this.rules.some((rule) => {
      if (rule.name && !rule.name.matches(name)) return false;
      // A namespace filter applies to ClusterSecretStores only; a cluster-scoped object never matches it.
      if (rule.namespace && this.storeKind === "ClusterSecretStore") {
        if (!namespace || !rule.namespace.matches(namespace)) return false;
      }
      if (rule.properties.length === 0) return true;
      if (properties.length === 0) return false;
      return properties.every((p) => rule.properties.some((re) => re.matches(p)));
    });
  }
}
