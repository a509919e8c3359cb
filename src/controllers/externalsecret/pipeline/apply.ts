/**
 * Step 7 of a sync: compare the desired Secret with the live one and write only when something the operator
 * manages differs. Returns what was done, for the caller's events.
 */
import type { OwnerReference } from "../../../api/meta.js";
import type { ResourceDescriptor } from "../../../kube/index.js";
import { SyncFailure } from "./failure.js";
import type { SecretObject } from "./secret-object.js";

export interface SecretWriter {
  create(secret: SecretObject): Promise<unknown>;
  update(secret: SecretObject): Promise<unknown>;
  /** Reads the target from the server (the cache had no word of it). */
  read(): Promise<SecretObject | undefined>;
  isAlreadyExists(err: unknown): boolean;
}

/** The live target Secret; `unverified` when its absence is the cache's word only. */
export interface LiveSecret {
  existing: SecretObject | undefined;
  unverified: boolean;
  /** For a generic target (spec.target.manifest): the resource serving its kind, or why it cannot be written. */
  generic?: { resource?: ResourceDescriptor; refused?: string };
}

export type Applied = "created" | "updated" | "unchanged";

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}

function sameList(a: unknown, b: unknown): boolean {
  const x = Array.isArray(a) ? a : [];
  const y = Array.isArray(b) ? b : [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sameOwners(a: OwnerReference[] | undefined, b: OwnerReference[] | undefined): boolean {
  const norm = (refs: OwnerReference[] | undefined) =>
    JSON.stringify(
      (refs ?? []).map((r) => [r.apiVersion, r.kind, r.name, r.uid, !!r.controller, !!r.blockOwnerDeletion]),
    );
  return norm(a) === norm(b);
}

/** Whether writing `desired` would change anything the operator manages on `live`. */
export function secretNeedsWrite(live: SecretObject, desired: SecretObject): boolean {
  return !(
    sameMap(live.data, desired.data) &&
    sameMap(live.metadata.labels, desired.metadata.labels) &&
    sameMap(live.metadata.annotations, desired.metadata.annotations) &&
    sameOwners(live.metadata.ownerReferences, desired.metadata.ownerReferences) &&
    sameList(live.metadata.finalizers, desired.metadata.finalizers) &&
    (live.type ?? "Opaque") === (desired.type ?? "Opaque") &&
    !!live.immutable === !!desired.immutable
  );
}

/** Whether `desired` holds other data than `live` (keys or values). */
export function dataChanged(live: SecretObject, desired: SecretObject): boolean {
  return !sameMap(live.data, desired.data);
}

/** An immutable live Secret can only take metadata changes. */
export function immutableDataChanged(live: SecretObject, desired: SecretObject): boolean {
  return !!live.immutable && (!sameMap(live.data, desired.data) || (live.type ?? "Opaque") !== desired.type);
}

/**
 * Creates or updates the target. `desiredFor` builds the Secret wanted given a live one: a create that finds the
 * target already exists (outside the cache) reads it and decides again, as for any live Secret.
 */
export async function applySecret(
  writer: SecretWriter,
  live: LiveSecret,
  desiredFor: (existing: SecretObject | undefined) => SecretObject,
  needsWrite: (live: SecretObject, desired: SecretObject) => boolean = secretNeedsWrite,
): Promise<Applied> {
  const desired = desiredFor(live.existing);
  const existing = live.existing;
  if (!existing) {
    try {
      await writer.create(desired);
      return "created";
    } catch (err) {
      if (!live.unverified || !writer.isAlreadyExists(err)) throw err;
      const found = await writer.read();
      if (!found) throw err;
      return applySecret(writer, { existing: found, unverified: false }, desiredFor, needsWrite);
    }
  }
  if (!needsWrite(existing, desired)) return "unchanged";
  if (immutableDataChanged(existing, desired)) {
    const name = desired.metadata.name ?? "";
    throw new SyncFailure(
      "could not update secret, target is immutable",
      new Error(`unable to update secret ${name}: secret is immutable`),
      false,
    );
  }
  await writer.update(desired);
  return "updated";
}
