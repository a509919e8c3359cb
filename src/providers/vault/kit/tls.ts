/** TLS material for the Vault connection: caBundle / caProvider trust and the tls client certificate. */

import type { VaultProvider } from "../../../api/providers/vault.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { refNamespace, resolveSecretKeyString } from "../../resolvers.js";
import type { VaultTls } from "./transport.js";

const FIELD = "spec.provider.vault";

async function caFromProvider(spec: VaultProvider, ctx: CredentialScope): Promise<string | undefined> {
  const p = spec.caProvider;
  if (!p) return undefined;
  if (ctx.storeKind === "ClusterSecretStore" && !p.namespace) {
    throw new StoreConfigError(`${FIELD}.caProvider.namespace: is required for a ClusterSecretStore`);
  }
  const ns = refNamespace(ctx, p, `${FIELD}.caProvider`);
  const key = p.key || "ca.crt";
  if (p.type === "Secret")
    return resolveSecretKeyString(ctx, { name: p.name, namespace: ns, key }, `${FIELD}.caProvider`);
  const cm = await ctx.kube.getConfigMap(ns, p.name);
  if (!cm) throw new StoreConfigError(`${FIELD}.caProvider: ConfigMap ${ns}/${p.name} not found`);
  const value = cm[key];
  if (value === undefined)
    throw new StoreConfigError(`${FIELD}.caProvider: key "${key}" not found in ConfigMap ${ns}/${p.name}`);
  return value;
}

export async function resolveTls(spec: VaultProvider, ctx: CredentialScope): Promise<VaultTls> {
  const out: VaultTls = {};
  const bundles: string[] = [];
  if (spec.caBundle) bundles.push(Buffer.from(spec.caBundle, "base64").toString("utf8"));
  const fromProvider = await caFromProvider(spec, ctx);
  if (fromProvider) bundles.push(fromProvider);
  if (bundles.length) {
    const pem = bundles.join("\n");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new StoreConfigError(`${FIELD}.caBundle: failed to parse certificates (expected PEM)`);
    }
    out.ca = pem;
  }
  const t = spec.tls;
  if (t?.certSecretRef && t.keySecretRef) {
    out.cert = await resolveSecretKeyString(
      ctx,
      { ...t.certSecretRef, key: t.certSecretRef.key || "tls.crt" },
      `${FIELD}.tls.certSecretRef`,
    );
    out.key = await resolveSecretKeyString(
      ctx,
      { ...t.keySecretRef, key: t.keySecretRef.key || "tls.key" },
      `${FIELD}.tls.keySecretRef`,
    );
  }
  return out;
}
