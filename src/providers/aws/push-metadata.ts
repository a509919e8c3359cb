/** PushSecret spec.data[].metadata for AWS (kind PushSecretMetadata, spec per service), as upstream. */
import { StoreConfigError } from "../errors.js";

const MANAGED_BY = "managed-by";
export const OWNERSHIP_TAG = { key: MANAGED_BY, value: "external-secrets" } as const;

export function parsePushMetadata<T extends object>(raw: unknown): Partial<T> {
  if (raw === undefined || raw === null) return {};
  const m = raw as { kind?: string; spec?: Partial<T> };
  if (typeof m !== "object" || (m.kind !== undefined && m.kind !== "PushSecretMetadata")) {
    throw new StoreConfigError("aws: failed to parse push secret metadata: expected kind PushSecretMetadata");
  }
  return m.spec ?? {};
}

/** The tags to set: the user's (which may not claim managed-by) plus the ownership tag. */
export function tagsWithOwnership(tags: Record<string, string> | undefined): Record<string, string> {
  if (tags && MANAGED_BY in tags) {
    throw new StoreConfigError(`aws: error parsing tags in metadata: cannot specify a '${MANAGED_BY}' tag`);
  }
  return { ...(tags ?? {}), [OWNERSHIP_TAG.key]: OWNERSHIP_TAG.value };
}

export function isManaged(tags: Record<string, string>): boolean {
  return tags[OWNERSHIP_TAG.key] === OWNERSHIP_TAG.value;
}

/** Value pushed for one PushSecret entry: one key's bytes, or the whole Secret as JSON. */
export function valueToPush(
  source: { name: string; namespace: string; data: Record<string, Buffer> },
  secretKey: string | undefined,
  wholeEncoding: "string" | "base64",
): Buffer {
  if (secretKey === undefined) {
    const obj: Record<string, string> = {};
    for (const k of Object.keys(source.data).sort()) {
      obj[k] = wholeEncoding === "string" ? source.data[k]!.toString("utf8") : source.data[k]!.toString("base64");
    }
    return Buffer.from(JSON.stringify(obj), "utf8");
  }
  const v = source.data[secretKey];
  if (v === undefined)
    throw new StoreConfigError(`secret key "${secretKey}" not found in Secret ${source.namespace}/${source.name}`);
  return v;
}
