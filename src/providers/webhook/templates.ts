import { queryEscape as goQueryEscape } from "../../template/builtins.js";
import { renderESO } from "../../template/index.js";
import { StoreConfigError } from "../errors.js";

export interface RemoteRefData {
  key: string;
  version?: string;
  property?: string;
}

/**
 * The data webhook templates see, as upstream: `.remoteRef.key|version|property` (query-escaped in the URL)
 * and one map per entry of spec.secrets, keyed by the entry's name, holding the Secret's keys as strings.
 */
export function templateData(
  ref: RemoteRefData,
  secrets: Record<string, Record<string, string>>,
  queryEscape: boolean,
) {
  const e = queryEscape ? goQueryEscape : (s: string) => s;
  return {
    ...secrets,
    remoteRef: { key: e(ref.key), version: e(ref.version ?? ""), property: e(ref.property ?? "") },
  };
}

/** Renders one template field with ESO's engine; the error names the field, never rendered values. */
export function renderField(field: string, text: string, data: unknown): string {
  try {
    return renderESO(field, text, data);
  } catch (err) {
    throw new StoreConfigError(`webhook: ${field}: template error: ${(err as Error).message}`);
  }
}
