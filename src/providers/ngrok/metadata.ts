/** PushSecret metadata for ngrok (upstream's PushSecretMetadata spec: a description and custom metadata). */
import { StoreConfigError } from "../errors.js";

export const DEFAULT_DESCRIPTION = "Managed by External Secrets Operator";

export interface NgrokPushMetadata {
  description: string;
  metadata: Record<string, string>;
}

export function parseNgrokPushMetadata(raw: unknown): NgrokPushMetadata {
  const out: NgrokPushMetadata = { description: DEFAULT_DESCRIPTION, metadata: {} };
  if (raw === undefined || raw === null) return out;
  const fail = (why: string) => new StoreConfigError(`ngrok: failed to parse push secret metadata: ${why}`);
  if (typeof raw !== "object" || Array.isArray(raw)) throw fail("expected an object");
  const m = raw as { kind?: unknown; spec?: unknown };
  if (m.kind !== undefined && m.kind !== "PushSecretMetadata") throw fail("expected kind PushSecretMetadata");
  if (m.spec === undefined || m.spec === null) return out;
  if (typeof m.spec !== "object" || Array.isArray(m.spec)) throw fail("spec must be an object");
  const spec = m.spec as { description?: unknown; metadata?: unknown };
  if (spec.description !== undefined && typeof spec.description !== "string") {
    throw fail("spec.description must be a string");
  }
  if (spec.description) out.description = spec.description;
  if (spec.metadata !== undefined && spec.metadata !== null) {
    if (typeof spec.metadata !== "object" || Array.isArray(spec.metadata)) throw fail("spec.metadata must be a map");
    for (const [k, v] of Object.entries(spec.metadata)) {
      if (typeof v !== "string") throw fail(`spec.metadata.${k} must be a string`);
      out.metadata[k] = v;
    }
  }
  return out;
}
