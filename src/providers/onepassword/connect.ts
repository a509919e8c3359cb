/**
 * The 1Password Connect calls the provider makes, through the official @1password/connect SDK, with its
 * errors mapped to the provider error classes. Messages name vaults and items, never field values.
 */
import { Readable } from "node:stream";
import type { FullItem, OPConnect } from "@1password/connect";
import { NoSecretError, StoreConfigError } from "../errors.js";
import { statusError } from "../util/http-client.js";
import { BoundedConnectClient } from "./transport.js";

export type ItemField = NonNullable<FullItem["fields"]>[number];

export interface ConnectApi {
  vaultIdByTitle(title: string): Promise<string>;
  itemsByTitle(vaultId: string, title: string): Promise<FullItem[]>;
  listItems(vaultId: string): Promise<{ id: string; title: string; tags: string[] }[]>;
  item(vaultId: string, itemId: string): Promise<FullItem>;
  fileContent(vaultId: string, itemId: string, fileId: string): Promise<Buffer>;
  /** A concealed field, as PushSecret writes values. */
  concealedField(label: string, value: string): ItemField;
  /** Creates a Server item holding `fields`. */
  createItem(vaultId: string, title: string, fields: ItemField[]): Promise<FullItem>;
  /** Replaces the fields of an existing item. */
  updateFields(vaultId: string, item: FullItem, fields: ItemField[]): Promise<FullItem>;
  deleteItem(vaultId: string, itemId: string): Promise<void>;
}

/** SDK errors are either the Connect error body {status, message} or an axios/network error. */
function mapError(err: unknown, what: string): Error {
  const e = err as { status?: unknown; message?: unknown; code?: unknown };
  if (typeof e?.status === "number") {
    return statusError("onepassword", what, e.status, typeof e.message === "string" ? e.message.slice(0, 200) : "");
  }
  const msg = typeof e?.message === "string" ? e.message : String(err);
  return new Error(`onepassword: ${what}: request failed: ${msg}`);
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapError(err, what);
  }
}

export async function newConnectApi(
  serverURL: string,
  token: string,
  timeoutMs = 15000,
  signal?: AbortSignal,
): Promise<ConnectApi> {
  // Loaded on first use: stores of other providers never pay for the SDK (and its HTTP client).
  const { FieldType, FullItem, ItemCategory, OnePasswordConnect } = await import("@1password/connect");
  const op: OPConnect = OnePasswordConnect({
    serverURL: serverURL.replace(/\/+$/, ""),
    token,
    keepAlive: false,
    timeout: timeoutMs,
    // Responses read under the size cap, requests aborted with the reconcile (connectHost is the store's choice).
    httpClient: new BoundedConnectClient(timeoutMs, signal),
  });
  return {
    vaultIdByTitle: async (title) => {
      const vaults = await call(`vault "${title}"`, () => op.listVaultsByTitle(title));
      if (!vaults?.length || !vaults[0]!.id) throw new NoSecretError(`onepassword: vault "${title}" not found`);
      if (vaults.length > 1) throw new StoreConfigError(`onepassword: more than one vault is titled "${title}"`);
      return vaults[0]!.id;
    },
    itemsByTitle: (vaultId, title) => call(`item "${title}"`, () => op.listItemsByTitle(vaultId, title)),
    listItems: (vaultId) =>
      call("list items", async () =>
        (await op.listItems(vaultId)).map((i) => ({ id: i.id ?? "", title: i.title ?? "", tags: i.tags ?? [] })),
      ),
    item: (vaultId, itemId) => call(`item ${itemId}`, () => op.getItemById(vaultId, itemId)),
    fileContent: (vaultId, itemId, fileId) =>
      call(`file ${fileId}`, async () => {
        const stream = await op.getFileContentStream(vaultId, itemId, fileId);
        if (!(stream instanceof Readable)) throw new Error("file content is not a stream");
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(Buffer.from(c));
        return Buffer.concat(chunks);
      }),
    concealedField: (label, value) => ({ label, value, type: FieldType.Concealed }),
    createItem: (vaultId, title, fields) => {
      const item = Object.assign(new FullItem(), {
        title,
        category: ItemCategory.Server,
        vault: { id: vaultId },
        fields,
      });
      return call(`create item "${title}"`, () => op.createItem(vaultId, item));
    },
    updateFields: (vaultId, item, fields) => {
      const updated = Object.assign(new FullItem(), item, { fields });
      return call(`update item "${item.title}"`, () => op.updateItem(vaultId, updated));
    },
    deleteItem: (vaultId, itemId) => call(`delete item ${itemId}`, () => op.deleteItemById(vaultId, itemId)),
  };
}
