/**
 * The 1Password SDK calls this provider makes, through the official @1password/sdk (its core is WebAssembly that
 * speaks 1Password's end-to-end encrypted protocol itself; no URL or HTTP client is ours to set). Each call is
 * raced against the reconcile's signal and a timeout, since the SDK cannot be aborted, and its errors are mapped
 * to the provider error classes by kind: the SDK's text never reaches our messages.
 */
import type { Client, FileAttributes, Item, ItemCreateParams, ItemOverview, VaultOverview } from "@1password/sdk";
import { capTimeout, raceAbort } from "../../runtime/deadline.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import type { CacheKey } from "../provider.js";

export const P = "onepasswordSDK";
const CALL_TIMEOUT_MS = 30_000;
/** SDK clients kept (one per token and integration); each holds a login in the SDK core. */
const MAX_SDK_CLIENTS = 32;

export interface SdkLogin {
  token: string;
  integrationName: string;
  integrationVersion: string;
}

/** Builds an authenticated SDK client: the official `createClient`, or a test's client over a fake core. */
export type SdkConnector = (login: SdkLogin) => Promise<Client>;

export const connectOfficialSdk: SdkConnector = async (login) => {
  // Loaded on first use: the SDK's WebAssembly core is large, and stores of other providers never need it.
  const { createClient } = await import("@1password/sdk");
  return createClient({
    auth: login.token,
    integrationName: login.integrationName,
    integrationVersion: login.integrationVersion,
  });
};

/** The SDK clients of this process, by a digest of the login: logging in is slow and rate limited. */
export const SDK_CLIENTS: CacheKey<Map<string, Promise<Client>>> = {
  name: "onepasswordsdk-clients",
  create: () => new Map(),
};

/** The typed error for a failed SDK call; `what` names the operation and key, never a value. */
export function sdkError(err: unknown, what: string): Error {
  if (err instanceof NoSecretError || err instanceof ProviderAuthError || err instanceof ProviderThrottledError) {
    return err;
  }
  const kind = (err as { constructor?: { name?: string } })?.constructor?.name ?? "";
  if (kind === "RateLimitExceededError") return new ProviderThrottledError(`${P}: ${what}: rate limit exceeded`);
  if (kind === "AuthExpiredError") return new ProviderAuthError(`${P}: ${what}: authentication expired`);
  const text = err instanceof Error ? err.message : String(err);
  if (/rate limit|too many requests/i.test(text))
    return new ProviderThrottledError(`${P}: ${what}: rate limit exceeded`);
  if (/unauthori[sz]ed|forbidden|authenticat|service account token|invalid token|access denied/i.test(text)) {
    return new ProviderAuthError(`${P}: ${what}: authentication failed`);
  }
  if (/no (item|vault|field|section) matched|not found|cannot be found|does not exist|isn't a/i.test(text)) {
    return new NoSecretError(`${P}: ${what}: not found`);
  }
  if (/internal server error|service unavailable|bad gateway|\b5\d\d\b/i.test(text)) {
    return new Error(`${P}: ${what}: 1Password server error`);
  }
  return new Error(`${P}: ${what}: the 1Password SDK call failed`);
}

export interface CallBounds {
  signal?: AbortSignal;
  deadline?: number;
}

/** Runs one SDK call under the reconcile's signal and a timeout capped by its deadline; errors mapped. */
export async function boundedCall<T>(what: string, fn: () => Promise<T>, bounds: CallBounds): Promise<T> {
  const ms = capTimeout(CALL_TIMEOUT_MS, bounds.deadline);
  const timeout = new AbortController();
  // A referenced timer: the SDK's pending work may hold nothing else that keeps the process waiting for it.
  const timer = setTimeout(() => timeout.abort(new Error(`${P}: ${what}: timed out after ${ms}ms`)), ms);
  const signal = bounds.signal ? AbortSignal.any([bounds.signal, timeout.signal]) : timeout.signal;
  try {
    return await raceAbort(fn(), signal);
  } catch (err) {
    if (signal.aborted) throw err;
    throw sdkError(err, what);
  } finally {
    clearTimeout(timer);
  }
}

/** The SDK operations the client uses, bounded and with mapped errors. */
export class OnePasswordSdkApi {
  constructor(
    private readonly sdk: Client,
    private readonly bounds: CallBounds,
  ) {}

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return boundedCall(what, fn, this.bounds);
  }

  resolve(reference: string, what: string): Promise<string> {
    return this.call(what, () => this.sdk.secrets.resolve(reference));
  }

  listVaults(): Promise<VaultOverview[]> {
    return this.call("list vaults", () => this.sdk.vaults.list());
  }

  listItems(vaultId: string): Promise<ItemOverview[]> {
    return this.call("list items", () => this.sdk.items.list(vaultId));
  }

  getItem(vaultId: string, itemId: string, what: string): Promise<Item> {
    return this.call(what, () => this.sdk.items.get(vaultId, itemId));
  }

  createItem(params: ItemCreateParams): Promise<Item> {
    return this.call(`create item "${params.title}"`, () => this.sdk.items.create(params));
  }

  putItem(item: Item): Promise<Item> {
    return this.call(`update item "${item.title}"`, () => this.sdk.items.put(item));
  }

  deleteItem(vaultId: string, itemId: string, what: string): Promise<void> {
    return this.call(what, () => this.sdk.items.delete(vaultId, itemId));
  }

  readFile(vaultId: string, itemId: string, attr: FileAttributes, what: string): Promise<Uint8Array> {
    return this.call(what, () => this.sdk.items.files.read(vaultId, itemId, attr));
  }
}

/** The SDK client for a login, shared through `clients`; a failed login is not kept. */
export function sdkClientFor(
  clients: Map<string, Promise<Client>>,
  key: string,
  login: SdkLogin,
  connect: SdkConnector,
): Promise<Client> {
  const kept = clients.get(key);
  if (kept) {
    clients.delete(key);
    clients.set(key, kept);
    return kept;
  }
  const created = connect(login);
  clients.set(key, created);
  created.catch(() => {
    if (clients.get(key) === created) clients.delete(key);
  });
  while (clients.size > MAX_SDK_CLIENTS) clients.delete(clients.keys().next().value as string);
  return created;
}
