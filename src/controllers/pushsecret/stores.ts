/**
 * Which stores a PushSecret pushes to: secretStoreRefs by name or labelSelector. A SecretStore is only
 * ever looked up in the PushSecret's own namespace (by name or selector), so a PushSecret can never
 * push through another namespace's store; ClusterSecretStore namespace conditions are enforced when the
 * client is built (StoreClients). Stores of another controller class are left to that controller.
 */
import type { PushSecret, PushSecretStoreRef } from "../../api/pushsecret.js";
import type { SecretStore } from "../../api/secretstore.js";
import { CLUSTER_SECRET_STORES, type KubeClient, SECRET_STORES } from "../../kube/index.js";
import type { StoreKind } from "../../providers/provider.js";
import { selectorMatches } from "../common/selector.js";
import { storeMatchesClass } from "../common/store-access.js";
import { StoreAccessError } from "../common/stores.js";
import { selectorToQuery } from "./selector.js";

export interface StoreTarget {
  kind: StoreKind;
  name: string;
  /** The store's labels (dataTo[].storeRef.labelSelector matches on them). */
  labels?: Record<string, string>;
}

export interface ResolvedStores {
  targets: StoreTarget[];
  /** Stores referenced but handled elsewhere (other controller class, cluster stores disabled). */
  skipped: number;
}

export function storeKey(t: StoreTarget): string {
  return `${t.kind}/${t.name}`;
}

export function parseStoreKey(key: string): StoreTarget | undefined {
  const i = key.indexOf("/");
  if (i < 0) return undefined;
  const kind = key.slice(0, i);
  if (kind !== "SecretStore" && kind !== "ClusterSecretStore") return undefined;
  return { kind, name: key.slice(i + 1) };
}

export async function resolveStores(
  client: KubeClient,
  ps: PushSecret,
  opts: { controllerClass?: string; clusterStoreEnabled: boolean },
): Promise<ResolvedStores> {
  const namespace = ps.metadata?.namespace ?? "";
  const targets = new Map<string, StoreTarget>();
  let skipped = 0;
  const consider = (kind: StoreKind, store: SecretStore) => {
    if (
      (kind === "ClusterSecretStore" && !opts.clusterStoreEnabled) ||
      !storeMatchesClass(store, opts.controllerClass)
    ) {
      skipped++;
      return;
    }
    const t = { kind, name: store.metadata?.name ?? "", labels: store.metadata?.labels };
    targets.set(storeKey(t), t);
  };
  for (const [i, ref] of (ps.spec.secretStoreRefs ?? []).entries()) {
    const field = `spec.secretStoreRefs[${i}]`;
    const kind: StoreKind =
      (ref as PushSecretStoreRef).kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
    const rt = kind === "ClusterSecretStore" ? CLUSTER_SECRET_STORES : SECRET_STORES;
    if (ref.labelSelector) {
      const query = selectorToQuery(ref.labelSelector, `${field}.labelSelector`);
      const stores = await client.list<SecretStore>(
        rt,
        kind === "SecretStore" ? namespace : undefined,
        query || undefined,
      );
      for (const s of stores) {
        // Belt and braces: the namespace and selector are enforced here too, not only by the server.
        if (kind === "SecretStore" && s.metadata?.namespace !== namespace) continue;
        if (!selectorMatches(ref.labelSelector, s.metadata?.labels)) continue;
        consider(kind, s);
      }
      continue;
    }
    if (!ref.name) throw new StoreAccessError(`${field}: one of name or labelSelector is required`);
    const store = await client.get<SecretStore>(rt, kind === "SecretStore" ? namespace : "", ref.name);
    if (!store) {
      throw new StoreAccessError(
        kind === "ClusterSecretStore"
          ? `could not get ClusterSecretStore ${JSON.stringify(ref.name)}: not found`
          : `could not get SecretStore ${JSON.stringify(ref.name)}: not found in namespace ${namespace}`,
      );
    }
    consider(kind, store);
  }
  return { targets: [...targets.values()].sort((a, b) => storeKey(a).localeCompare(storeKey(b))), skipped };
}
