import { StoreConfigError } from "../errors.js";
import type { ProviderContext } from "../provider.js";
import { refNamespace } from "../resolvers.js";

export interface CAProviderRef {
  type: "Secret" | "ConfigMap";
  name: string;
  key?: string;
  namespace?: string;
}

/** Resolves a store's caBundle (base64 PEM) or caProvider (Secret / ConfigMap key) to PEM text. */
export async function resolveCABundle(
  ctx: ProviderContext,
  caBundle: string | undefined,
  caProvider: CAProviderRef | undefined,
  field: string,
): Promise<string | undefined> {
  if (caBundle) return Buffer.from(caBundle, "base64").toString("utf8");
  if (!caProvider) return undefined;
  const where = `${field}.caProvider`;
  if (!caProvider.key) throw new StoreConfigError(`${where}.key: is required`);
  const ns = refNamespace(ctx, caProvider, where);
  if (caProvider.type === "ConfigMap") {
    const cm = await ctx.kube.getConfigMap(ns, caProvider.name);
    const v = cm?.[caProvider.key];
    if (v === undefined)
      throw new StoreConfigError(`${where}: key "${caProvider.key}" not found in ConfigMap ${ns}/${caProvider.name}`);
    return v;
  }
  const s = await ctx.kube.getSecret(ns, caProvider.name);
  const v = s?.[caProvider.key];
  if (v === undefined)
    throw new StoreConfigError(`${where}: key "${caProvider.key}" not found in Secret ${ns}/${caProvider.name}`);
  return v.toString("utf8");
}
