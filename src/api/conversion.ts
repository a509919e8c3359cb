/**
 * external-secrets.io v1beta1 <-> v1 conversion as pure functions (the conversion webhook calls these).
 * The versions differ in these places: v1beta1's fake provider has data[].valueMap and no validationResult;
 * v1's dataFrom[].rewrite[] has `merge`, its dataFrom[] has `select` and its spec `syncWindows`. What one
 * version cannot hold is kept in an annotation so that converting there and back returns the original object.
 */
import { API_VERSION_V1, API_VERSION_V1BETA1, GROUP } from "./constants.js";

/** Holds v1-only fields while an object is served as v1beta1. */
export const ANNOTATION_V1_FIELDS = "conversion.external-secrets.io/v1-fields";
/** Holds v1beta1-only fields while an object is served as v1. */
export const ANNOTATION_V1BETA1_FIELDS = "conversion.external-secrets.io/v1beta1-fields";

export const CONVERTIBLE_KINDS = ["SecretStore", "ClusterSecretStore", "ExternalSecret", "ClusterExternalSecret"];

export class ConversionError extends Error {
  override readonly name = "ConversionError";
}

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

interface V1Only {
  /** spec.provider.fake.validationResult */
  validationResult?: number;
  /** [dataFrom index, rewrite index, merge] */
  rewriteMerge?: [number, number, unknown][];
  /** spec.syncWindows (ExternalSecret / ClusterExternalSecret) */
  syncWindows?: unknown;
  /** [dataFrom index, select] */
  select?: [number, unknown][];
}
interface V1beta1Only {
  /** Fake data keys whose value came from valueMap (JSON-encoded in v1's value). */
  valueMapKeys?: string[];
}

function takeStash<T>(obj: Obj, key: string): T | undefined {
  const annotations = obj.metadata?.annotations;
  const raw = annotations?.[key];
  if (typeof raw !== "string") return undefined;
  delete annotations[key];
  if (Object.keys(annotations).length === 0) delete obj.metadata.annotations;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

function putStash(obj: Obj, key: string, value: object): void {
  if (Object.keys(value).length === 0) return;
  obj.metadata = { ...(obj.metadata ?? {}) };
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [key]: JSON.stringify(value) };
}

/** The ExternalSecret spec inside either kind. */
function esSpec(obj: Obj): Obj | undefined {
  if (obj.kind === "ExternalSecret") return isObj(obj.spec) ? obj.spec : undefined;
  if (obj.kind === "ClusterExternalSecret") {
    return isObj(obj.spec?.externalSecretSpec) ? obj.spec.externalSecretSpec : undefined;
  }
  return undefined;
}

function fakeProvider(obj: Obj): Obj | undefined {
  if (obj.kind !== "SecretStore" && obj.kind !== "ClusterSecretStore") return undefined;
  const fake = obj.spec?.provider?.fake;
  return isObj(fake) ? fake : undefined;
}

function toV1(obj: Obj): Obj {
  const restore = takeStash<V1Only>(obj, ANNOTATION_V1_FIELDS) ?? {};
  const stash: V1beta1Only = {};
  const fake = fakeProvider(obj);
  if (fake) {
    for (const d of Array.isArray(fake.data) ? fake.data : []) {
      if (isObj(d) && isObj(d.valueMap)) {
        if (d.value === undefined) {
          d.value = JSON.stringify(d.valueMap);
          (stash.valueMapKeys ??= []).push(String(d.key));
        }
        delete d.valueMap;
      }
    }
    if (restore.validationResult !== undefined) fake.validationResult = restore.validationResult;
  }
  const spec = esSpec(obj);
  if (spec && restore.syncWindows !== undefined) spec.syncWindows = restore.syncWindows;
  if (spec && restore.select) {
    for (const [i, select] of restore.select) {
      const entry = spec.dataFrom?.[i];
      if (isObj(entry)) entry.select = select;
    }
  }
  if (spec && restore.rewriteMerge) {
    for (const [i, j, merge] of restore.rewriteMerge) {
      const entry = spec.dataFrom?.[i];
      if (!isObj(entry)) continue;
      entry.rewrite = Array.isArray(entry.rewrite) ? entry.rewrite : [];
      entry.rewrite.splice(j, 0, { merge });
    }
  }
  putStash(obj, ANNOTATION_V1BETA1_FIELDS, stash);
  obj.apiVersion = API_VERSION_V1;
  return obj;
}

function toV1beta1(obj: Obj): Obj {
  const restore = takeStash<V1beta1Only>(obj, ANNOTATION_V1BETA1_FIELDS) ?? {};
  const stash: V1Only = {};
  const fake = fakeProvider(obj);
  if (fake) {
    if (fake.validationResult !== undefined) {
      stash.validationResult = fake.validationResult;
      delete fake.validationResult;
    }
    const fromMap = new Set(restore.valueMapKeys ?? []);
    for (const d of Array.isArray(fake.data) ? fake.data : []) {
      if (!isObj(d) || !fromMap.has(String(d.key)) || typeof d.value !== "string") continue;
      try {
        d.valueMap = JSON.parse(d.value);
        delete d.value;
      } catch {
        // The value was edited into something that is no longer a map: keep it as a value.
      }
    }
  }
  const spec = esSpec(obj);
  if (spec && spec.syncWindows !== undefined) {
    stash.syncWindows = spec.syncWindows;
    delete spec.syncWindows;
  }
  if (spec && Array.isArray(spec.dataFrom)) {
    spec.dataFrom.forEach((entry: unknown, i: number) => {
      if (isObj(entry) && entry.select !== undefined) {
        (stash.select ??= []).push([i, entry.select]);
        delete entry.select;
      }
      if (!isObj(entry) || !Array.isArray(entry.rewrite)) return;
      const kept: unknown[] = [];
      entry.rewrite.forEach((rw: unknown, j: number) => {
        if (isObj(rw) && rw.merge !== undefined) (stash.rewriteMerge ??= []).push([i, j, rw.merge]);
        else kept.push(rw);
      });
      if (kept.length === entry.rewrite.length) return;
      // rewrite must not be left empty by the stash: v1 had only merge entries here.
      if (kept.length) entry.rewrite = kept;
      else delete entry.rewrite;
    });
  }
  putStash(obj, ANNOTATION_V1_FIELDS, stash);
  obj.apiVersion = API_VERSION_V1BETA1;
  return obj;
}

/**
 * Converts a SecretStore, ClusterSecretStore, ExternalSecret or ClusterExternalSecret to the given
 * apiVersion (external-secrets.io/v1 or /v1beta1). Returns a new object; the input is not modified.
 */
export function convert<T extends object>(obj: T, toApiVersion: string): T {
  const o = obj as Obj;
  if (!CONVERTIBLE_KINDS.includes(o.kind)) throw new ConversionError(`kind ${String(o.kind)} has a single version`);
  const from = String(o.apiVersion);
  if (from !== API_VERSION_V1 && from !== API_VERSION_V1BETA1) {
    throw new ConversionError(`cannot convert from ${from}: expected ${GROUP}/v1 or ${GROUP}/v1beta1`);
  }
  if (toApiVersion !== API_VERSION_V1 && toApiVersion !== API_VERSION_V1BETA1) {
    throw new ConversionError(`cannot convert to ${toApiVersion}: expected ${GROUP}/v1 or ${GROUP}/v1beta1`);
  }
  const copy = structuredClone(o);
  if (from === toApiVersion) return copy as T;
  return (toApiVersion === API_VERSION_V1 ? toV1(copy) : toV1beta1(copy)) as T;
}

export function toV1Object<T extends object>(obj: T): T {
  return convert(obj, API_VERSION_V1);
}

export function toV1beta1Object<T extends object>(obj: T): T {
  return convert(obj, API_VERSION_V1BETA1);
}
