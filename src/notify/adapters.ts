/**
 * Turns notification payloads into (store, remote key) pairs: the generic JSON form, AWS EventBridge events
 * (posted directly or wrapped in an SNS HTTP(S) delivery) and Vault event notifications for kv-v2 writes.
 * Errors name the offending field; payload values other than keys and names are never echoed.
 */
import type { NotifyStoreRef } from "./keys.js";

export class NotifyInputError extends Error {
  override readonly name = "NotifyInputError";
}

export interface Change {
  store: NotifyStoreRef;
  key: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A store from {kind, namespace, name}; `where` names the field in errors. */
export function parseStoreRef(v: unknown, where: string): NotifyStoreRef {
  if (!v || typeof v !== "object") throw new NotifyInputError(`${where}: must be an object with kind, namespace, name`);
  const o = v as Record<string, unknown>;
  const kind = o.kind ?? "SecretStore";
  if (kind !== "SecretStore" && kind !== "ClusterSecretStore") {
    throw new NotifyInputError(`${where}.kind: must be SecretStore or ClusterSecretStore`);
  }
  const name = str(o.name);
  if (!name) throw new NotifyInputError(`${where}.name: is required`);
  const namespace = str(o.namespace);
  if (kind === "SecretStore" && !namespace)
    throw new NotifyInputError(`${where}.namespace: is required for a SecretStore`);
  return kind === "SecretStore" ? { kind, namespace, name } : { kind, name };
}

/** Store named by query parameters (?kind=&namespace=&name=), as SNS and Vault endpoints are configured. */
export function storeFromQuery(q: URLSearchParams): NotifyStoreRef {
  return parseStoreRef(
    { kind: q.get("kind") ?? undefined, namespace: q.get("namespace") ?? undefined, name: q.get("name") ?? undefined },
    "query",
  );
}

/**
 * Generic form: `{"store": {kind, namespace, name}, "key": "k"}` or `"keys": ["a", "b"]`, or an array of those.
 */
export function parseGeneric(body: unknown): Change[] {
  const items = Array.isArray(body) ? body : [body];
  const out: Change[] = [];
  items.forEach((item, i) => {
    const where = Array.isArray(body) ? `[${i}]` : "body";
    if (!item || typeof item !== "object") throw new NotifyInputError(`${where}: must be a JSON object`);
    const o = item as Record<string, unknown>;
    const store = parseStoreRef(o.store, `${where}.store`);
    const keys = o.keys !== undefined ? o.keys : [o.key];
    if (!Array.isArray(keys) || keys.length === 0)
      throw new NotifyInputError(`${where}.keys: must be a non-empty list`);
    keys.forEach((k, j) => {
      const key = str(k);
      if (!key)
        throw new NotifyInputError(
          o.keys !== undefined ? `${where}.keys[${j}]: must be a string` : `${where}.key: is required`,
        );
      out.push({ store, key });
    });
  });
  return out;
}

/** "arn:aws:secretsmanager:<region>:<acct>:secret:<name>-<6 chars>" → "<name>"; a plain name stays. */
export function secretNameFromId(id: string): string {
  const m = /^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(id);
  if (!m) return id;
  return m[1]!.replace(/-[A-Za-z0-9]{6}$/, "");
}

/** Secret names an EventBridge event about Secrets Manager concerns (CloudTrail API calls, rotation). */
export function secretsFromEventBridge(event: unknown): string[] {
  if (!event || typeof event !== "object") throw new NotifyInputError("event: must be a JSON object");
  const e = event as Record<string, unknown>;
  if (e.source !== "aws.secretsmanager") throw new NotifyInputError('event.source: must be "aws.secretsmanager"');
  const names = new Set<string>();
  const detail = (e.detail ?? {}) as Record<string, unknown>;
  const params = (detail.requestParameters ?? {}) as Record<string, unknown>;
  const response = (detail.responseElements ?? {}) as Record<string, unknown>;
  const additional = (detail.additionalEventData ?? {}) as Record<string, unknown>;
  for (const v of [params.secretId, params.name, response.arn, response.name, additional.SecretId]) {
    const s = str(v);
    if (s) names.add(secretNameFromId(s));
  }
  for (const r of Array.isArray(e.resources) ? e.resources : []) {
    const s = str(r);
    if (s?.includes(":secretsmanager:")) names.add(secretNameFromId(s));
  }
  if (names.size === 0)
    throw new NotifyInputError("event.detail.requestParameters.secretId: no secret named in the event");
  return [...names];
}

export type SnsEnvelope =
  | { type: "SubscriptionConfirmation"; subscribeUrl: string; topicArn: string }
  | { type: "Notification"; message: string }
  | { type: "UnsubscribeConfirmation" };

/** An SNS HTTP(S) delivery (x-amz-sns-message-type header or the body's Type). */
export function parseSns(body: unknown, headerType: string | undefined): SnsEnvelope {
  if (!body || typeof body !== "object") throw new NotifyInputError("body: must be an SNS JSON message");
  const o = body as Record<string, unknown>;
  const type = headerType ?? str(o.Type);
  if (type === "SubscriptionConfirmation") {
    const url = str(o.SubscribeURL);
    if (!url) throw new NotifyInputError("SubscribeURL: is required");
    return { type, subscribeUrl: url, topicArn: str(o.TopicArn) ?? "" };
  }
  if (type === "Notification") {
    const message = str(o.Message);
    if (!message) throw new NotifyInputError("Message: is required");
    return { type, message };
  }
  if (type === "UnsubscribeConfirmation") return { type };
  throw new NotifyInputError("Type: must be SubscriptionConfirmation, Notification or UnsubscribeConfirmation");
}

/** Only SNS's own HTTPS endpoints may be called to confirm a subscription. */
export function isSnsConfirmUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === "https:" &&
      /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(u.hostname) &&
      u.searchParams.get("Action") === "ConfirmSubscription"
    );
  } catch {
    return false;
  }
}

const VAULT_KV_WRITES = new Set([
  "kv-v2/data-write",
  "kv-v2/data-patch",
  "kv-v2/data-delete",
  "kv-v2/data-undelete",
  "kv-v2/data-destroy",
  "kv-v2/metadata-write",
  "kv-v2/metadata-patch",
  "kv-v2/metadata-delete",
  "kv-v1/write",
  "kv-v1/delete",
]);

/**
 * Vault event notification (CloudEvents JSON from sys/events/subscribe): data.event.metadata.path
 * (e.g. "secret/data/app/db") under data.plugin_info.mount_path ("secret/"). Yields the key both relative to
 * the mount ("app/db", as with spec.provider.vault.path set) and with the mount ("secret/app/db").
 */
export function keysFromVaultEvent(body: unknown): string[] {
  if (!body || typeof body !== "object") throw new NotifyInputError("body: must be a Vault event JSON object");
  const o = body as Record<string, unknown>;
  const data = (o.data ?? {}) as Record<string, unknown>;
  const eventType = str(data.event_type) ?? str(o.type);
  if (!eventType || !VAULT_KV_WRITES.has(eventType)) {
    throw new NotifyInputError("data.event_type: must be a kv write/delete event such as kv-v2/data-write");
  }
  const meta = (((data.event ?? {}) as Record<string, unknown>).metadata ?? {}) as Record<string, unknown>;
  const path = str(meta.path) ?? str(meta.data_path);
  if (!path) throw new NotifyInputError("data.event.metadata.path: is required");
  const mount = (str(((data.plugin_info ?? {}) as Record<string, unknown>).mount_path) ?? "").replace(/\/?$/, "/");
  let rel = mount !== "/" && path.startsWith(mount) ? path.slice(mount.length) : path;
  if (eventType.startsWith("kv-v2/")) rel = rel.replace(/^(data|metadata)\//, "");
  const keys = new Set([rel]);
  if (mount !== "/") keys.add(`${mount}${rel}`);
  return [...keys];
}
