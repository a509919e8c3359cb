/**
 * PushSecret / deleteSecret for Vault KV, as ESO does it: keep unrelated keys when pushing one property,
 * mark ownership with custom_metadata `managed-by: external-secrets` (inside the data on KV v1), refuse to
 * touch secrets someone else owns, and delete only what we own. With checkAndSet.required a KV v2 push carries
 * options.cas (the current version, 0 for a new secret), so a concurrent writer is never overwritten.
 */
import { isDeepStrictEqual } from "node:util";
import { NoSecretError, StoreConfigError } from "../errors.js";
import type { PushRemoteRef, PushSecretData, PushSource } from "../provider.js";
import { vaultError } from "./kit/transport.js";
import type { KvStore, SecretData } from "./kv.js";
import { dataPath, metadataPath } from "./paths.js";

const MANAGED_BY = "managed-by";
const ESO = "external-secrets";
const CUSTOM_METADATA = "custom_metadata";

interface PushMetadataSpec {
  customMetadata?: Record<string, string>;
  mergePolicy?: "Merge" | "Replace";
}

function parseMetadata(raw: unknown): PushMetadataSpec {
  if (raw === undefined || raw === null) return {};
  const m = raw as { apiVersion?: string; kind?: string; spec?: PushMetadataSpec };
  if (typeof m !== "object" || (m.kind && m.kind !== "PushSecretMetadata")) {
    throw new StoreConfigError(`vault: failed to parse push secret metadata: expected kind PushSecretMetadata`);
  }
  const spec = m.spec ?? {};
  if (spec.mergePolicy && spec.mergePolicy !== "Merge" && spec.mergePolicy !== "Replace") {
    throw new StoreConfigError(`vault: unsupported merge policy "${spec.mergePolicy}", must be one of: Merge, Replace`);
  }
  return spec;
}

function valueToPush(source: PushSource, data: PushSecretData): Buffer {
  if (data.secretKey === undefined) {
    const decoded: Record<string, string> = {};
    for (const [k, v] of Object.entries(source.data)) decoded[k] = v.toString("utf8");
    return Buffer.from(JSON.stringify(decoded), "utf8");
  }
  const v = source.data[data.secretKey];
  if (v === undefined)
    throw new StoreConfigError(`secret key "${data.secretKey}" not found in Secret ${source.namespace}/${source.name}`);
  return v;
}

function mergeData(
  existing: SecretData | undefined,
  value: Buffer,
  property: string | undefined,
): { data: SecretData; changed: boolean } {
  if (!property) {
    let incoming: unknown;
    try {
      incoming = JSON.parse(value.toString("utf8"));
    } catch {
      throw new Error("vault: pushing a whole secret without property requires a JSON object value");
    }
    if (!incoming || typeof incoming !== "object" || Array.isArray(incoming)) {
      throw new Error("vault: pushing a whole secret without property requires a JSON object value");
    }
    return { data: incoming as SecretData, changed: !isDeepStrictEqual(existing, incoming) };
  }
  const data: SecretData = { ...(existing ?? {}) };
  const str = value.toString("utf8");
  const changed = !(existing && existing[property] === str);
  data[property] = str;
  return { data, changed };
}

async function readOptional(kv: KvStore, key: string): Promise<{ data: SecretData; version?: number } | undefined> {
  try {
    return await kv.read(key);
  } catch (err) {
    if (err instanceof NoSecretError) return undefined;
    throw err;
  }
}

async function write(kv: KvStore, path: string, body: unknown): Promise<void> {
  const res = await kv.session.request({ method: "POST", path, body });
  if (res.status < 200 || res.status >= 300) throw vaultError(res, path);
}

export async function pushSecret(kv: KvStore, source: PushSource, data: PushSecretData): Promise<void> {
  const key = data.remoteRef.remoteKey;
  const value = valueToPush(source, data);
  const existing = await readOptional(kv, key);
  const path = dataPath(kv.layout, key);

  if (kv.layout.version === "v1") {
    let current: SecretData | undefined;
    if (existing) {
      const owner = existing.data[CUSTOM_METADATA] as Record<string, unknown> | undefined;
      if (!owner || owner[MANAGED_BY] !== ESO)
        throw new Error(`vault: secret "${key}" is not managed by external-secrets`);
      current = { ...existing.data };
      delete current[CUSTOM_METADATA];
    }
    const merged = mergeData(current, value, data.remoteRef.property);
    if (existing && !merged.changed) return;
    await write(kv, path, { ...merged.data, [CUSTOM_METADATA]: { [MANAGED_BY]: ESO } });
    return;
  }

  const merged = mergeData(existing?.data, value, data.remoteRef.property);
  const spec = parseMetadata(data.metadata);
  const desired: Record<string, string> = { ...(spec.customMetadata ?? {}), [MANAGED_BY]: ESO };
  let finalMeta = desired;
  let metaChanged = true;
  let currentVersion = 0;
  if (existing) {
    const remote = await kv.metadata(key);
    currentVersion = Number(remote.current_version) || existing.version || 1;
    if (remote[MANAGED_BY] !== ESO) throw new Error(`vault: secret "${key}" is not managed by external-secrets`);
    const remoteCustom = { ...remote };
    for (const k of ["created_time", "current_version", "delete_version_after"]) delete remoteCustom[k];
    finalMeta = spec.mergePolicy === "Replace" ? desired : { ...remoteCustom, ...desired };
    metaChanged = !isDeepStrictEqual(remoteCustom, finalMeta);
  }
  if (!merged.changed && !metaChanged) return;
  // Ownership first: a new secret carries managed-by before any data lands, as upstream does.
  if (metaChanged) await write(kv, metadataPath(kv.layout, key), { [CUSTOM_METADATA]: finalMeta });
  if (merged.changed) {
    const body = kv.layout.casRequired
      ? { data: merged.data, options: { cas: currentVersion } }
      : { data: merged.data };
    await write(kv, path, body);
  }
}

export async function deleteSecret(kv: KvStore, ref: PushRemoteRef): Promise<void> {
  const key = ref.remoteKey;
  const existing = await readOptional(kv, key);
  if (!existing) return;
  const meta = await kv.metadata(key);
  if (meta[MANAGED_BY] !== ESO) return;
  const path = dataPath(kv.layout, key);
  if (ref.property) {
    const remaining = { ...existing.data };
    delete remaining[ref.property];
    const onlyOwnership =
      kv.layout.version === "v1" && Object.keys(remaining).length === 1 && CUSTOM_METADATA in remaining;
    if (Object.keys(remaining).length > 0 && !onlyOwnership) {
      await write(kv, path, kv.layout.version === "v2" ? { data: remaining } : remaining);
      return;
    }
  }
  const del = await kv.session.request({ method: "DELETE", path });
  if (del.status >= 300 && del.status !== 404) throw vaultError(del, path);
  if (kv.layout.version === "v2") {
    const mpath = metadataPath(kv.layout, key);
    const res = await kv.session.request({ method: "DELETE", path: mpath });
    if (res.status >= 300 && res.status !== 404) throw vaultError(res, mpath);
  }
}
