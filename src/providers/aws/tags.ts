/** Resource tags as Secrets Manager and Parameter Store carry them: maps, lists, and bringing them up to date. */

export type AwsTag = { Key?: string; Value?: string };

export function tagMap(tags: AwsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
  return out;
}

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Brings a resource's tags from `current` to `desired`: removes the extra keys, then sets changed ones. */
export async function syncTags(
  current: Record<string, string>,
  desired: Record<string, string>,
  untag: (keys: string[]) => Promise<unknown>,
  tag: (tags: { Key: string; Value: string }[]) => Promise<unknown>,
): Promise<void> {
  const remove = Object.keys(current).filter((k) => !(k in desired));
  if (remove.length) await untag(remove);
  if (Object.entries(desired).some(([k, v]) => current[k] !== v)) await tag(tagList(desired));
}
