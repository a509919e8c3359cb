/**
 * Hashes compatible with upstream ESO's utils.ObjectHash: SHA3-224 of Go's "%+v" rendering. Keeping the
 * exact rendering means Secrets written by upstream ESO keep a valid data-hash annotation here.
 */
import { createHash } from "node:crypto";

function objectHash(text: string): string {
  return createHash("sha3-224").update(text).digest("hex");
}

/** Go's %+v of a map[string][]byte: keys sorted, bytes as decimal numbers. */
function goFormatByteMap(data: Record<string, Buffer>): string {
  const parts = Object.keys(data)
    .sort()
    .map((k) => `${k}:[${Array.from(data[k]!).join(" ")}]`);
  return `map[${parts.join(" ")}]`;
}

function goFormatStringMap(data: Record<string, string> | undefined): string {
  const entries = Object.keys(data ?? {})
    .sort()
    .map((k) => `${k}:${data![k]}`);
  return `map[${entries.join(" ")}]`;
}

/** The value of the reconcile.external-secrets.io/data-hash annotation for a Secret's data. */
export function secretDataHash(data: Record<string, Buffer>): string {
  return objectHash(goFormatByteMap(data));
}

/** utils.ObjectHash of a plain string, as used for the created-by owner label. */
export function stringHash(text: string): string {
  return objectHash(text);
}

const IGNORED_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration"]);

/**
 * "<generation>-<hash of labels and annotations>": changes when the spec, a label or an annotation
 * changes, so touching any annotation (the force-sync idiom) triggers a sync.
 */
export function resourceVersionOf(meta: {
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): string {
  const annotations = Object.fromEntries(
    Object.entries(meta.annotations ?? {}).filter(([k]) => !IGNORED_ANNOTATIONS.has(k)),
  );
  const rendered = `{annotations:${goFormatStringMap(annotations)} labels:${goFormatStringMap(meta.labels)}}`;
  return `${meta.generation ?? 0}-${objectHash(rendered)}`;
}
