/**
 * Computes the Secret an ExternalSecret wants, from the live Secret (if any) and the template output.
 * Pure: the controller decides whether to create, update or leave it alone.
 */
import type { ExternalSecret } from "../../../api/externalsecret.js";
import type { OwnerReference } from "../../../api/meta.js";
import { decodeSecretData, MANAGED_LABEL, MANAGED_LABEL_VALUE } from "../../../kube/index.js";
import { secretDataHash, stringHash } from "../../common/hash.js";
import type { TemplateOutput } from "../../common/secret-template.js";
import { ANNOTATION_DATA_HASH, ANNOTATION_MANAGED_KEYS, ES_API_VERSION, ES_GROUP, LABEL_OWNER } from "../constants.js";
import type { SecretObject } from "./secret-object.js";

/** The target Secret belongs to another ExternalSecret: writing would make two controllers fight. */
export class SecretOwnedError extends Error {
  override readonly name = "SecretOwnedError";
}

/** creationPolicy Owner found an existing Secret this ExternalSecret does not own. */
export class SecretNotOwnedError extends Error {
  override readonly name = "SecretNotOwnedError";
}

export function targetSecretName(es: ExternalSecret): string {
  return es.spec.target?.name || es.metadata?.name || "";
}

export function ownerLabelValue(es: ExternalSecret): string {
  return stringHash(`${es.metadata?.namespace}/${es.metadata?.name}`);
}

function isExternalSecretRef(ref: OwnerReference): boolean {
  return ref.kind === "ExternalSecret" && ref.apiVersion.split("/")[0] === ES_GROUP;
}

function controllerOf(secret: SecretObject | undefined): OwnerReference | undefined {
  return secret?.metadata.ownerReferences?.find((r) => r.controller);
}

/** True when the live Secret is already this ExternalSecret's (controller reference or owner label). */
export function isOwnedBy(secret: SecretObject, es: ExternalSecret): boolean {
  const ctrl = controllerOf(secret);
  if (ctrl && isExternalSecretRef(ctrl) && ctrl.name === es.metadata?.name) return true;
  return secret.metadata.labels?.[LABEL_OWNER] === ownerLabelValue(es);
}

/** Merge and CreateOrMerge keep the keys others wrote and manage only their own. */
export function mergesInto(policy: string): boolean {
  return policy === "Merge" || policy === "CreateOrMerge";
}

/**
 * template.metadata.finalizers added to the target's own (finalizers others set are never removed); undefined
 * when there are none at all.
 */
export function withTemplateFinalizers(es: ExternalSecret, existing: string[] | undefined): string[] | undefined {
  const wanted = es.spec.target?.template?.metadata?.finalizers ?? [];
  const out = [...(existing ?? [])];
  for (const f of wanted) if (!out.includes(f)) out.push(f);
  return out.length > 0 ? out : undefined;
}

function encodeData(data: Record<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(data).sort()) out[k] = data[k]!.toString("base64");
  return out;
}

/**
 * The desired Secret. `existing` is the live Secret (undefined to create one). Owner and Orphan manage
 * the whole data map; Merge only adds its keys to an existing Secret, removing keys it wrote before
 * that are no longer produced.
 */
export function desiredSecret(
  es: ExternalSecret,
  existing: SecretObject | undefined,
  out: TemplateOutput,
): SecretObject {
  const target = es.spec.target ?? {};
  const policy = target.creationPolicy ?? "Owner";
  const name = targetSecretName(es);
  const ctrl = controllerOf(existing);
  const ownerIsES = !!ctrl && isExternalSecretRef(ctrl);
  if (ownerIsES && ctrl!.name !== es.metadata?.name) {
    throw new SecretOwnedError(`secret ${name} is owned by another ExternalSecret: ${ctrl!.name}`);
  }
  if (existing && policy === "Owner" && !isOwnedBy(existing, es)) {
    if (ctrl) {
      throw new SecretNotOwnedError(
        `secret ${name} already has a controller (${ctrl.kind} ${ctrl.name}); creationPolicy=Owner will not take it over`,
      );
    }
    throw new SecretNotOwnedError(
      `secret ${name} exists and is not owned by this ExternalSecret; creationPolicy=Owner will not take it over (use creationPolicy=Merge or Orphan)`,
    );
  }

  const labels = { ...(existing?.metadata.labels ?? {}), ...out.labels };
  const annotations = { ...(existing?.metadata.annotations ?? {}), ...out.annotations };
  let ownerReferences = [...(existing?.metadata.ownerReferences ?? [])];

  let data: Record<string, Buffer>;
  if (mergesInto(policy)) {
    const previous = (existing?.metadata.annotations?.[ANNOTATION_MANAGED_KEYS] ?? "").split(",").filter(Boolean);
    const base = decodeSecretData(existing?.data);
    for (const key of previous) delete base[key];
    data = { ...base, ...out.data };
    const keys = Object.keys(out.data).sort();
    if (keys.length > 0) annotations[ANNOTATION_MANAGED_KEYS] = keys.join(",");
    else delete annotations[ANNOTATION_MANAGED_KEYS];
  } else {
    data = { ...out.data };
    delete annotations[ANNOTATION_MANAGED_KEYS];
  }

  if (policy === "Owner") {
    const uid = es.metadata?.uid ?? "";
    ownerReferences = ownerReferences.filter((r) => !(isExternalSecretRef(r) && r.name === es.metadata?.name));
    ownerReferences.push({
      apiVersion: es.apiVersion ?? ES_API_VERSION,
      kind: "ExternalSecret",
      name: es.metadata?.name ?? "",
      uid,
      controller: true,
      blockOwnerDeletion: true,
    });
    labels[LABEL_OWNER] = ownerLabelValue(es);
  } else {
    if (ownerIsES) ownerReferences = ownerReferences.filter((r) => r !== ctrl);
    delete labels[LABEL_OWNER];
  }
  labels[MANAGED_LABEL] = MANAGED_LABEL_VALUE;
  annotations[ANNOTATION_DATA_HASH] = secretDataHash(data);

  const secret: SecretObject = {
    ...(existing ?? {}),
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      ...(existing?.metadata ?? {}),
      name,
      namespace: es.metadata?.namespace,
      labels,
      annotations,
    },
    data: encodeData(data),
  };
  if (ownerReferences.length > 0) secret.metadata.ownerReferences = ownerReferences;
  else delete secret.metadata.ownerReferences;
  const finalizers = withTemplateFinalizers(es, existing?.metadata.finalizers as string[] | undefined);
  if (finalizers) secret.metadata.finalizers = finalizers;
  const type = target.template?.type;
  if (type) secret.type = type;
  else if (!existing?.type) secret.type = "Opaque";
  if (target.immutable) secret.immutable = true;
  return secret;
}
