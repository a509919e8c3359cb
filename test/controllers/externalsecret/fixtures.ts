/** Shared fixtures of the ExternalSecret pipeline's step tests. */
import type { ExternalSecret } from "../../../src/api/externalsecret.js";

export const b = (s: string) => Buffer.from(s);
export const text = (m: Record<string, Buffer>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

/** A tiny stand-in renderer for {{ .key }} substitutions, enough to test the plumbing around templates. */
export const render = (_name: string, tpl: string, data: Record<string, string>) =>
  tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, k: string) => {
    if (!(k in data)) throw new Error(`map has no entry for key "${k}"`);
    return data[k]!;
  });

export function es(spec: Partial<ExternalSecret["spec"]> = {}, meta: Record<string, unknown> = {}): ExternalSecret {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "es", namespace: "ns", uid: "uid-1", generation: 1, ...meta },
    spec: { secretStoreRef: { name: "store" }, ...spec },
  };
}
