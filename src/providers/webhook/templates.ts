import { queryEscape as goQueryEscape } from "../../template/builtins.js";
import { redactValues, renderESO, stringLeaves } from "../../template/index.js";
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

const WITHHELD = "[details withheld: they may show a secret value]";

/**
 * Renders one template field with ESO's engine; the error names the field, and the values of spec.secrets that
 * the engine's message may quote (`fail`, `mustToDate`, ...) are cut out of it, or its detail is withheld.
 */
export function renderField(field: string, text: string, data: ReturnType<typeof templateData>): string {
  try {
    return renderESO(field, text, data);
  } catch (err) {
    const { remoteRef: _, ...secrets } = data;
    const { text: message, shortValueSeen } = redactValues((err as Error).message, stringLeaves(secrets));
    throw new StoreConfigError(`webhook: ${field}: template error: ${shortValueSeen ? WITHHELD : message}`);
  }
}
