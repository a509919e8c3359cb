/**
 * A manifest checked as the admission webhook checks it: the API's schema and rules, then, for a SecretStore or
 * ClusterSecretStore, its provider's own validate (as upstream's webhook runs the provider's ValidateStore): the
 * provider's errors make the store invalid, its warnings go back as admission warnings. `eso validate` runs the same.
 */
import { formatValidationError, isESOObject, type ValidationError, validateObject } from "../api/validation.js";
import type { StoreKind } from "./provider.js";
import type { ProviderRegistry } from "./registry.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** "spec.provider.vault.server: is required" as a field path and its message. */
function atField(message: string, fallbackPath: string): { path: string; message: string } {
  const m = /^(spec\.provider[^\s:]*): (.+)$/s.exec(message);
  return m?.[1] && m[2] ? { path: m[1], message: m[2] } : { path: fallbackPath, message };
}

function storeProviderIssues(obj: Obj, kind: StoreKind, registry: ProviderRegistry): ValidationError[] {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const ident = {
    kind,
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    ...(typeof meta.name === "string" ? { name: meta.name } : {}),
  };
  const spec = isObj(obj.spec) ? obj.spec : {};
  const resolved = registry.resolve(isObj(spec.provider) ? spec.provider : undefined);
  if ("error" in resolved) return [{ severity: "error", ...ident, ...atField(resolved.error, "spec.provider") }];
  const field = `spec.provider.${resolved.provider.name}`;
  let result: ReturnType<typeof resolved.provider.validate>;
  try {
    result = resolved.provider.validate(resolved.spec, kind);
  } catch (err) {
    return [{ severity: "error", ...ident, path: field, message: `cannot be checked: ${(err as Error).message}` }];
  }
  return [
    ...result.errors.map((e): ValidationError => ({ severity: "error", ...ident, ...atField(e, field) })),
    ...result.warnings.map((w): ValidationError => ({ severity: "warning", ...ident, ...atField(w, field) })),
  ];
}

/**
 * The manifest's problems: the API's, then its provider's. The provider sees only a store the API accepts, as
 * upstream's webhook decodes the object before it asks the provider.
 */
export function validateManifest(obj: unknown, registry: ProviderRegistry): ValidationError[] {
  const issues = validateObject(obj);
  if (!isObj(obj) || !isESOObject(obj) || issues.some((e) => e.severity === "error")) return issues;
  if (obj.kind !== "SecretStore" && obj.kind !== "ClusterSecretStore") return issues;
  return [...issues, ...storeProviderIssues(obj, obj.kind, registry)];
}

/** validateManifest's problems as formatted messages, split into errors and warnings (the webhook's answer). */
export function manifestMessages(obj: unknown, registry: ProviderRegistry): { errors: string[]; warnings: string[] } {
  const out = { errors: [] as string[], warnings: [] as string[] };
  for (const e of validateManifest(obj, registry)) {
    (e.severity === "error" ? out.errors : out.warnings).push(formatValidationError(e));
  }
  return out;
}
