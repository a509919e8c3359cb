/**
 * STS session tags for the final AssumeRole of a store, as ESO's sessionTagsPolicy defines them: None sends
 * only `sessionTags`; Simple adds esoNamespace (the requesting namespace), esoStoreName and esoStoreKind;
 * Custom adds customSessionTags too. Custom tags with an empty key or value are dropped, and none may
 * override a built-in tag.
 */
import type { AWSProvider } from "../../api/providers/aws.js";
import type { ProviderContext } from "../provider.js";

export interface SessionTag {
  key: string;
  value: string;
}

export const BUILT_IN_TAG_KEYS = ["esoNamespace", "esoStoreName", "esoStoreKind"] as const;

export function sessionTagsFor(
  spec: Pick<AWSProvider, "sessionTags" | "sessionTagsPolicy" | "customSessionTags">,
  ctx: Pick<ProviderContext, "namespace" | "storeName" | "storeKind">,
): SessionTag[] {
  const policy = spec.sessionTagsPolicy ?? "None";
  const tags = new Map<string, string>();
  for (const t of spec.sessionTags ?? []) tags.set(t.key, t.value);
  if (policy === "None") return [...tags].map(([key, value]) => ({ key, value }));
  const builtIn: Record<(typeof BUILT_IN_TAG_KEYS)[number], string> = {
    esoNamespace: ctx.namespace ?? "",
    esoStoreName: ctx.storeName,
    esoStoreKind: ctx.storeKind,
  };
  if (policy === "Custom") {
    for (const [key, value] of Object.entries(spec.customSessionTags ?? {})) {
      if (key && value) tags.set(key, value);
    }
  }
  for (const [key, value] of Object.entries(builtIn)) tags.set(key, value);
  return [...tags].map(([key, value]) => ({ key, value }));
}
