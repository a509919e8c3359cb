/** What the Parameter Store and Secrets Manager clients share: SDK calls, tag maps, validation. */
import type { ValidationResult } from "../provider.js";
import type { CredentialProvider } from "./credentials.js";
import { mapAwsError } from "./errors.js";

export type AwsTag = { Key?: string; Value?: string };

/** Runs one SDK call; a failure is mapped to a provider error naming `what`. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, what);
  }
}

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

/** A store is ready when its credentials resolve. */
export async function validateCredentials(credentials: CredentialProvider): Promise<ValidationResult> {
  try {
    await credentials();
    return { ready: true };
  } catch (err) {
    return { ready: false, message: (err as Error).message };
  }
}
