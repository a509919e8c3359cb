/**
 * Pushing one source to one store, and removing remote keys that are no longer pushed. The synced map
 * (status.syncedPushSecrets) is "<StoreKind>/<store name>" -> "<remoteKey>[/<property>]" -> data entry.
 */
import type { PushSecret, PushSecretDataEntry, PushSecretDataTo } from "../../api/pushsecret.js";
import type { PushRemoteRef, PushSource, SecretsClient } from "../../providers/provider.js";
import { goRegexpMatch } from "../../providers/util/go-regexp.js";
import { rewriteMap } from "../common/rewrite.js";
import type { RenderTemplate } from "../common/secret-template.js";
import { selectorMatches } from "../common/selector.js";
import { reverseKeys } from "./source.js";
import { parseStoreKey, type StoreTarget, storeKey } from "./stores.js";

export type SyncedMap = Record<string, Record<string, PushSecretDataEntry>>;

export class PushError extends Error {
  override readonly name = "PushError";
}

export function statusRef(ref: PushRemoteRef): string {
  return ref.property ? `${ref.remoteKey}/${ref.property}` : ref.remoteKey;
}

/** Copies `b` over `a` (both untouched). */
export function mergeSynced(a: SyncedMap | undefined, b: SyncedMap | undefined): SyncedMap {
  const out: SyncedMap = {};
  for (const m of [a ?? {}, b ?? {}]) {
    for (const [store, entries] of Object.entries(m)) out[store] = { ...(out[store] ?? {}), ...entries };
  }
  return out;
}

function dataToApplies(to: PushSecretDataTo, target: StoreTarget): boolean {
  const ref = to.storeRef;
  if (!ref) return true;
  const kind = ref.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
  if (kind !== target.kind) return false;
  if (ref.name) return ref.name === target.name;
  if (ref.labelSelector) return selectorMatches(ref.labelSelector, target.labels);
  return true;
}

/** One push: the data entry, where it came from, and (bundle mode) the exact map to push as one object. */
interface PlannedPush {
  entry: PushSecretDataEntry;
  where: string;
  bundle?: Record<string, Buffer>;
}

/**
 * spec.dataTo: every key of the source (optionally filtered and renamed) becomes a remote key of its own, or,
 * with remoteKey set (bundle mode, as upstream), all of them go to that one remote key as a single object.
 */
async function expandDataTo(
  ps: PushSecret,
  source: PushSource,
  target: StoreTarget,
  render: RenderTemplate,
): Promise<PlannedPush[]> {
  const out: PlannedPush[] = [];
  for (const [j, to] of (ps.spec.dataTo ?? []).entries()) {
    if (!dataToApplies(to, target)) continue;
    const where = `spec.dataTo[${j}]`;
    const data = reverseKeys(to.conversionStrategy, source.data);
    const bundle: Record<string, Buffer> | undefined = to.remoteKey ? {} : undefined;
    for (const key of Object.keys(data).sort()) {
      if (to.match?.regexp) {
        let matched: boolean;
        try {
          matched = goRegexpMatch(to.match.regexp, key);
        } catch (err) {
          throw new PushError(`${where}.match.regexp: ${(err as Error).message}`);
        }
        if (!matched) continue;
      }
      let remoteKey = key;
      if (to.rewrite?.length) {
        const renamed = Object.keys(await rewriteMap(to.rewrite, { [key]: Buffer.alloc(0) }, render));
        remoteKey = renamed[0] ?? key;
      }
      if (bundle) {
        if (Object.hasOwn(bundle, remoteKey)) {
          throw new PushError(`${where}: keys rewrite to the same name ${JSON.stringify(remoteKey)}`);
        }
        bundle[remoteKey] = data[key]!;
        continue;
      }
      out.push({
        entry: {
          match: { secretKey: key, remoteRef: { remoteKey } },
          ...(to.metadata !== undefined ? { metadata: to.metadata } : {}),
          ...(to.conversionStrategy ? { conversionStrategy: to.conversionStrategy } : {}),
        },
        where,
      });
    }
    if (bundle && to.remoteKey) {
      const entry: PushSecretDataEntry = {
        match: { remoteRef: { remoteKey: to.remoteKey } },
        ...(to.metadata !== undefined ? { metadata: to.metadata } : {}),
      };
      out.push({ entry, where, bundle });
    }
  }
  return out;
}

/** Pushes every entry (dataTo first, data[] overriding the same remote key) to one store; records into `out`. */
export async function pushToStore(
  ps: PushSecret,
  source: PushSource,
  target: StoreTarget,
  client: SecretsClient,
  render: RenderTemplate,
  out: SyncedMap,
): Promise<void> {
  const key = storeKey(target);
  out[key] = out[key] ?? {};
  const planned = new Map<string, PlannedPush>();
  for (const p of await expandDataTo(ps, source, target, render)) planned.set(statusRef(p.entry.match.remoteRef), p);
  for (const [i, entry] of (ps.spec.data ?? []).entries()) {
    planned.set(statusRef(entry.match.remoteRef), { entry, where: `spec.data[${i}]` });
  }
  for (const [ref, { entry, where, bundle }] of planned) {
    const data = bundle ?? reverseKeys(entry.conversionStrategy, source.data);
    const secretKey = entry.match.secretKey || undefined;
    if (secretKey !== undefined && !Object.hasOwn(data, secretKey)) {
      throw new PushError(
        `${where}.match.secretKey: key ${JSON.stringify(secretKey)} does not exist in source ${source.name}`,
      );
    }
    const remoteRef: PushRemoteRef = { remoteKey: entry.match.remoteRef.remoteKey };
    if (entry.match.remoteRef.property) remoteRef.property = entry.match.remoteRef.property;
    if (ps.spec.updatePolicy === "IfNotExists") {
      let exists: boolean;
      try {
        exists = await client.secretExists(remoteRef);
      } catch (err) {
        throw new PushError(`could not verify if secret exists in store ${key}: ${(err as Error).message}`);
      }
      if (exists) {
        out[key]![ref] = entry;
        continue;
      }
    }
    try {
      await client.pushSecret({ ...source, data }, { secretKey, remoteRef, metadata: entry.metadata });
    } catch (err) {
      throw new PushError(
        `could not write remote ref ${ref} to target secretstore ${target.name}: ${(err as Error).message}`,
      );
    }
    out[key]![ref] = entry;
  }
}

/**
 * deletionPolicy Delete: removes from the providers every previously pushed key that `current` no longer
 * contains. Returns the map to record: `current` plus whatever could not be removed (so it is retried).
 */
export async function deleteRemoved(
  previous: SyncedMap | undefined,
  current: SyncedMap,
  clientFor: (t: StoreTarget) => Promise<SecretsClient>,
): Promise<SyncedMap> {
  const remaining = mergeSynced(previous, current);
  for (const [store, entries] of Object.entries(previous ?? {})) {
    const stale = Object.entries(entries).filter(([ref]) => !current[store]?.[ref]);
    if (stale.length === 0) continue;
    const target = parseStoreKey(store);
    if (!target) {
      delete remaining[store];
      continue;
    }
    let client: SecretsClient;
    try {
      client = await clientFor(target);
    } catch (err) {
      throw Object.assign(new PushError(`could not get secrets client for store ${store}: ${(err as Error).message}`), {
        remaining,
      });
    }
    for (const [ref, entry] of stale) {
      try {
        await client.deleteSecret(entry.match.remoteRef as PushRemoteRef);
      } catch (err) {
        throw Object.assign(
          new PushError(`could not delete remote ref ${ref} from store ${store}: ${(err as Error).message}`),
          { remaining },
        );
      }
      delete remaining[store]![ref];
    }
    if (Object.keys(remaining[store]!).length === 0 && !current[store]) delete remaining[store];
  }
  return remaining;
}
