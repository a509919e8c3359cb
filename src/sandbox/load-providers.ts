/**
 * Loads only the providers the given stores use: a dry run of a fake-provider store need not load every
 * cloud SDK. A provider key without its own folder falls back to loading them all.
 */
import type { Manifest } from "./manifests.js";

/** The provider keys (spec.provider.<key>) that have their own folder under src/providers. */
export const PROVIDER_FOLDERS: ReadonlySet<string> = new Set([
  "akeyless",
  "aws",
  "azurekv",
  "doppler",
  "fake",
  "gcpsm",
  "gitlab",
  "kubernetes",
  "onepassword",
  "vault",
  "webhook",
]);

export async function loadProvidersFor(objects: Manifest[]): Promise<void> {
  const keys = new Set<string>();
  for (const o of objects) {
    if (o.kind !== "SecretStore" && o.kind !== "ClusterSecretStore") continue;
    const provider = (o.spec as { provider?: Record<string, unknown> } | undefined)?.provider ?? {};
    for (const k of Object.keys(provider)) keys.add(k);
  }
  if ([...keys].some((k) => !PROVIDER_FOLDERS.has(k))) {
    await import("../providers/all.js");
    return;
  }
  await Promise.all([...keys].map((k) => import(`../providers/${k}/index.js`)));
}
