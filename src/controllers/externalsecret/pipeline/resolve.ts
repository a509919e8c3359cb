/**
 * Step 2 of a sync: the stores the ExternalSecret references, read once. A store of another controller class
 * means the ExternalSecret is not ours; with flood protection, a store created moments ago and not yet validated
 * is waited for (its status change re-queues the ExternalSecret). Everything else about a store (missing, not
 * ready, denied by a ClusterSecretStore's conditions) is that store's read failing, reported by fetch.
 */
import type { ExternalSecret } from "../../../api/externalsecret.js";
import type { SecretStore } from "../../../api/secretstore.js";
import type { StoreKind } from "../../../providers/provider.js";
import { type Condition, getCondition } from "../../common/conditions.js";
import { storeMatchesClass } from "../../common/store-access.js";
import { referencedStores } from "../../common/stores.js";

/** How long a new store without a Ready condition is given for its first validation before users report it. */
export const STORE_VALIDATION_GRACE_MS = 30_000;

export type StoreLookup = (kind: StoreKind, name: string) => Promise<SecretStore | undefined>;

export type Resolution =
  /** A referenced store belongs to another controller class: leave the ExternalSecret alone. */
  | { kind: "unmanaged" }
  /** A referenced store awaits its first validation: come back shortly. */
  | { kind: "validating" }
  /** Go ahead; `lookup` answers from the stores read here. */
  | { kind: "ready"; lookup: StoreLookup };

export interface ResolveOptions {
  lookup: StoreLookup;
  controllerClass?: string;
  /** --enable-flood-protection: stores must be Ready before ExternalSecrets use them. */
  floodGate: boolean;
  nowMs: number;
}

function awaitsFirstValidation(store: SecretStore, nowMs: number): boolean {
  if (getCondition(store.status?.conditions as Condition[] | undefined, "Ready")) return false;
  const created = Date.parse(store.metadata?.creationTimestamp ?? "");
  return !Number.isNaN(created) && nowMs - created < STORE_VALIDATION_GRACE_MS;
}

export async function resolveStores(es: ExternalSecret, opts: ResolveOptions): Promise<Resolution> {
  const read = new Map<string, SecretStore | undefined>();
  let validating = false;
  for (const ref of referencedStores(es.spec)) {
    const store = await opts.lookup(ref.kind, ref.name);
    read.set(`${ref.kind}/${ref.name}`, store);
    if (!store) continue;
    if (!storeMatchesClass(store, opts.controllerClass)) return { kind: "unmanaged" };
    if (opts.floodGate && awaitsFirstValidation(store, opts.nowMs)) validating = true;
  }
  if (validating) return { kind: "validating" };
  return {
    kind: "ready",
    lookup: async (kind, name) => {
      const key = `${kind}/${name}`;
      return read.has(key) ? read.get(key) : opts.lookup(kind, name);
    },
  };
}
