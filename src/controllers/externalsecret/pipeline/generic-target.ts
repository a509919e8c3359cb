/**
 * Generic targets (spec.target.manifest), pure: the object an ExternalSecret wants when it writes into a kind other
 * than Secret, as upstream maps it. A ConfigMap takes the data in `data` (strings); any other kind takes it in
 * `spec.data` without a template, and the template's Data output in `data` with one. Creation and deletion
 * policies, ownership, templated labels and annotations, finalizers and the managed label work as for Secrets; the
 * content-hash annotation covers `data`, `binaryData` and `spec`, so an edit of any of them reads as drift.
 */
import type { ExternalSecret, ManifestReference } from "../../../api/externalsecret.js";
import type { OwnerReference } from "../../../api/meta.js";
import { MANAGED_LABEL, MANAGED_LABEL_VALUE } from "../../../kube/index.js";
import { stringHash } from "../../common/hash.js";
import type { FieldWrite, TemplateOutput } from "../../common/secret-template.js";
import { ANNOTATION_DATA_HASH, ANNOTATION_MANAGED_KEYS, ES_API_VERSION, ES_GROUP, LABEL_OWNER } from "../constants.js";
import {
  isOwnedBy,
  mergesInto,
  ownerLabelValue,
  SecretNotOwnedError,
  SecretOwnedError,
  targetSecretName,
  withTemplateFinalizers,
} from "./desired.js";
import type { SecretObject } from "./secret-object.js";

/** A target object of any kind, as the API serves it. */
export type TargetObject = SecretObject;

/** The manifest an ExternalSecret writes into, or undefined for a Secret (an explicit v1 Secret included). */
export function manifestOf(es: ExternalSecret): ManifestReference | undefined {
  const m = es.spec?.target?.manifest;
  if (!m?.apiVersion || !m.kind) return undefined;
  if (m.apiVersion === "v1" && m.kind === "Secret") return undefined;
  return m;
}

/** The key under which the ExternalSecret's target is indexed: "ns/name" for a Secret, with the kind otherwise. */
export function targetIndexKey(es: ExternalSecret): string {
  const at = `${es.metadata?.namespace ?? ""}/${targetSecretName(es)}`;
  const m = manifestOf(es);
  return m ? genericTargetKey(m.apiVersion, m.kind, at) : at;
}

/** The index key of a generic target object ("<group>|<kind>|ns/name"; the version does not matter). */
export function genericTargetKey(apiVersion: string, kind: string, namespacedName: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return `${slash < 0 ? "" : apiVersion.slice(0, slash)}|${kind}|${namespacedName}`;
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The content-hash annotation of a generic target: its data, binaryData and spec. */
export function targetContentHash(obj: TargetObject): string {
  return stringHash(sortedJson({ data: obj.data ?? {}, binaryData: obj.binaryData ?? {}, spec: obj.spec ?? {} }));
}

/** As isSecretValid, for a generic target: present, managed, and its content still hashes to the annotation. */
export function isTargetValid(obj: TargetObject | undefined, creationPolicy: string | undefined): boolean {
  if (creationPolicy === "None") return true;
  if (!obj?.metadata?.uid) return false;
  if (obj.metadata.labels?.[MANAGED_LABEL] !== MANAGED_LABEL_VALUE) return false;
  return obj.metadata.annotations?.[ANNOTATION_DATA_HASH] === targetContentHash(obj);
}

function isExternalSecretRef(ref: OwnerReference): boolean {
  return ref.kind === "ExternalSecret" && ref.apiVersion.split("/")[0] === ES_GROUP;
}

function asStringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === "string") out[k] = x;
  return out;
}

/** Where the data goes in an object of this kind (upstream's mapping). */
function dataPath(kind: string, templated: boolean): "data" | "spec.data" {
  return kind === "ConfigMap" || templated ? "data" : "spec.data";
}

/**
 * The target object wanted, given the live one (undefined: create it). Refuses, as for Secrets, an object owned by
 * another ExternalSecret, and for creationPolicy Owner one that is not this ExternalSecret's.
 */
export function desiredTarget(
  es: ExternalSecret,
  existing: TargetObject | undefined,
  out: TemplateOutput,
): TargetObject {
  const manifest = manifestOf(es);
  if (!manifest) throw new Error("spec.target.manifest is not a generic target");
  const policy = es.spec.target?.creationPolicy ?? "Owner";
  const name = targetSecretName(es);
  const what = `${manifest.kind} ${name}`;
  const ctrl = existing?.metadata.ownerReferences?.find((r) => r.controller);
  const ownerIsES = !!ctrl && isExternalSecretRef(ctrl);
  if (ownerIsES && ctrl!.name !== es.metadata?.name) {
    throw new SecretOwnedError(`${what} is owned by another ExternalSecret: ${ctrl!.name}`);
  }
  if (existing && policy === "Owner" && !isOwnedBy(existing, es)) {
    throw new SecretNotOwnedError(
      `${what} exists and is not owned by this ExternalSecret; creationPolicy=Owner will not take it over`,
    );
  }

  const obj: TargetObject = structuredClone(existing ?? { metadata: {} });
  obj.apiVersion = manifest.apiVersion;
  obj.kind = manifest.kind;
  obj.metadata = { ...obj.metadata, name, namespace: es.metadata?.namespace };
  const labels: Record<string, string> = { ...(obj.metadata.labels ?? {}), ...out.labels };
  labels[MANAGED_LABEL] = MANAGED_LABEL_VALUE;
  const annotations = { ...(obj.metadata.annotations ?? {}), ...out.annotations };

  const values: Record<string, string> = {};
  for (const k of Object.keys(out.data).sort()) values[k] = out.data[k]!.toString("utf8");
  const path = dataPath(manifest.kind, !!es.spec.target?.template);
  let holder: Record<string, unknown> = obj;
  if (path === "spec.data") {
    holder = { ...asObject(obj.spec) };
    obj.spec = holder;
  }
  if (mergesInto(policy)) {
    const base = asStringMap(holder.data);
    const previous = (annotations[ANNOTATION_MANAGED_KEYS] ?? "").split(",").filter(Boolean);
    for (const key of previous) delete base[key];
    holder.data = { ...base, ...values };
    if (Object.keys(values).length > 0) annotations[ANNOTATION_MANAGED_KEYS] = Object.keys(values).sort().join(",");
    else delete annotations[ANNOTATION_MANAGED_KEYS];
  } else {
    holder.data = values;
    delete annotations[ANNOTATION_MANAGED_KEYS];
  }

  let owners = [...(obj.metadata.ownerReferences ?? [])];
  if (policy === "Owner") {
    owners = owners.filter((r) => !(isExternalSecretRef(r) && r.name === es.metadata?.name));
    owners.push({
      apiVersion: es.apiVersion ?? ES_API_VERSION,
      kind: "ExternalSecret",
      name: es.metadata?.name ?? "",
      uid: es.metadata?.uid ?? "",
      controller: true,
      blockOwnerDeletion: true,
    });
    labels[LABEL_OWNER] = ownerLabelValue(es);
  } else {
    if (ownerIsES) owners = owners.filter((r) => r !== ctrl);
    delete labels[LABEL_OWNER];
  }
  if (owners.length > 0) obj.metadata.ownerReferences = owners;
  else delete obj.metadata.ownerReferences;
  const finalizers = withTemplateFinalizers(es, obj.metadata.finalizers as string[] | undefined);
  if (finalizers) obj.metadata.finalizers = finalizers;
  obj.metadata.labels = labels;
  obj.metadata.annotations = annotations;
  if (out.fields?.length) {
    for (const w of out.fields) writeField(obj, w);
    assertSameIdentity(obj, manifest, name, es.metadata?.namespace);
    obj.metadata.labels = { ...asStringMap(obj.metadata.labels), [MANAGED_LABEL]: MANAGED_LABEL_VALUE };
    obj.metadata.annotations = asStringMap(obj.metadata.annotations);
  }
  obj.metadata.annotations![ANNOTATION_DATA_HASH] = targetContentHash(obj);
  return obj;
}

/**
 * One templateFrom write at a path, as upstream's: missing maps on the way are created, a non-map on the way is
 * an error; "merge" adds a map's keys to the map already at the path, anything else replaces the field.
 */
function writeField(target: object, w: FieldWrite): void {
  const obj = target as Record<string, unknown>;
  const where = w.path.join(".");
  if (w.path.some((p) => p === "__proto__" || p === "constructor" || p === "prototype")) {
    throw new Error(`templateFrom target ${where} is not a valid path`);
  }
  let at = obj;
  for (const part of w.path.slice(0, -1)) {
    if (at[part] === undefined || at[part] === null) at[part] = {};
    const next = at[part];
    if (!next || typeof next !== "object" || Array.isArray(next)) {
      throw new Error(`templateFrom target ${where}: ${part} is not a map`);
    }
    at = next as Record<string, unknown>;
  }
  const last = w.path[w.path.length - 1]!;
  const existing = at[last];
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  at[last] = w.mode === "merge" && isMap(existing) && isMap(w.value) ? { ...existing, ...w.value } : w.value;
}

/** Upstream refuses a render that changed the declared kind; the name and namespace are held too. */
function assertSameIdentity(obj: TargetObject, m: ManifestReference, name: string, namespace: string | undefined) {
  if (obj.apiVersion !== m.apiVersion || obj.kind !== m.kind) {
    throw new Error(
      `rendered target ${obj.apiVersion}/${obj.kind} differs from the declared ${m.apiVersion}/${m.kind}`,
    );
  }
  if (obj.metadata?.name !== name || obj.metadata?.namespace !== namespace) {
    throw new Error("templateFrom targets may not change the target's name or namespace");
  }
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Whether writing `desired` changes anything on `live` (content, labels, annotations, owners, finalizers). */
export function targetNeedsWrite(live: TargetObject, desired: TargetObject): boolean {
  const pick = (o: TargetObject) =>
    sortedJson({
      data: o.data,
      binaryData: o.binaryData,
      spec: o.spec,
      labels: o.metadata.labels ?? {},
      annotations: o.metadata.annotations ?? {},
      owners: (o.metadata.ownerReferences ?? []).map((r) => [r.apiVersion, r.kind, r.name, r.uid, !!r.controller]),
      finalizers: o.metadata.finalizers ?? [],
    });
  return pick(live) !== pick(desired);
}
