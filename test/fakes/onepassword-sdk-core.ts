/**
 * A fake of the 1Password SDK's core, for the provider's tests. The official SDK (@1password/sdk) is a thin
 * TypeScript layer over a WebAssembly core that speaks 1Password's end-to-end encrypted protocol (SRP login,
 * encrypted vault data) to 1password.com itself: nothing a loopback HTTP fake can serve. So the test seam is the
 * SDK's own invocation boundary: `connect` builds the SDK's real `Client` over an inner client whose `invoke`
 * takes the SDK's invocations ({name: "ItemsGet", parameters: {...}}) and answers with the JSON the core returns,
 * errors thrown as the SDK throws them. It checks the service account token at login, records every
 * invocation, and injects faults (rate limiting, expired auth, other errors, hangs).
 */
import { randomBytes } from "node:crypto";
import type { Client } from "@1password/sdk";
import type { SdkConnector, SdkLogin } from "../../src/providers/onepasswordSDK/transport.js";

export interface FakeOpField {
  id: string;
  title: string;
  value: string;
  fieldType?: string;
  sectionId?: string;
}

export interface FakeOpFile {
  name: string;
  content: Buffer;
}

export interface FakeOpItem {
  id: string;
  title: string;
  category: string;
  vaultId: string;
  fields: FakeOpField[];
  sections: { id: string; title: string }[];
  tags: string[];
  files: FakeOpFile[];
  document?: FakeOpFile;
  version: number;
}

export type OpFault =
  | { kind: "RateLimitExceeded" | "AuthExpired" }
  | { kind: "error"; message: string }
  | { kind: "hang" };

export interface OnePasswordSdkFake {
  token: string;
  vaults: { id: string; title: string }[];
  items: FakeOpItem[];
  /** `"<Invocation> <args>"` per call. */
  invocations: string[];
  logins: SdkLogin[];
  faults: OpFault[];
  connect: SdkConnector;
  addItem(item: Partial<FakeOpItem> & { title: string; vaultId: string }): FakeOpItem;
}

const newId = () => randomBytes(13).toString("hex").slice(0, 26);
const fileId = (item: FakeOpItem, f: FakeOpFile) => `${item.id}-${f.name}`;

function itemView(item: FakeOpItem) {
  return {
    id: item.id,
    title: item.title,
    category: item.category,
    vaultId: item.vaultId,
    fields: item.fields.map((f) => ({ fieldType: "Text", ...f })),
    sections: item.sections,
    notes: "",
    tags: item.tags,
    websites: [],
    version: item.version,
    files: item.files.map((f) => ({
      attributes: { name: f.name, id: fileId(item, f), size: f.content.length },
      sectionId: "files",
      fieldId: `field-${f.name}`,
    })),
    ...(item.document
      ? { document: { name: item.document.name, id: fileId(item, item.document), size: item.document.content.length } }
      : {}),
    createdAt: "2025-01-01T00:00:00Z",
    updatedAt: "2025-01-01T00:00:00Z",
  };
}

/** The core's errors: typed ones as the SDK's classes, the rest as a plain Error with the core's text. */
async function sdkError(kind: string, message: string): Promise<Error> {
  const sdk = await import("@1password/sdk");
  if (kind === "RateLimitExceeded") return new sdk.RateLimitExceededError(message);
  if (kind === "AuthExpired") return new sdk.AuthExpiredError(message);
  return new Error(message);
}

export function newOnePasswordSdkFake(): OnePasswordSdkFake {
  const fake: OnePasswordSdkFake = {
    token: `ops_${randomBytes(24).toString("base64url")}`,
    vaults: [],
    items: [],
    invocations: [],
    logins: [],
    faults: [],
    connect: async () => {
      throw new Error("replaced below");
    },
    addItem(partial) {
      const item: FakeOpItem = {
        id: newId(),
        category: "Login",
        fields: [],
        sections: [],
        tags: [],
        files: [],
        version: 1,
        ...partial,
      };
      fake.items.push(item);
      return item;
    },
  };

  const vaultOf = (ref: string) => fake.vaults.filter((v) => v.title === ref || v.id === ref);
  const itemIn = (vaultId: string, itemId: string) => fake.items.find((i) => i.vaultId === vaultId && i.id === itemId);

  const resolve = (reference: string): string => {
    const fail = (what: string) => {
      throw new Error(`error resolving secret reference: ${what}`);
    };
    const m = /^op:\/\/([^/?]+)\/([^/?]+)\/(?:([^/?]+)\/)?([^/?]+)(?:\?.*)?$/.exec(reference);
    if (!m) return fail('secret reference is not prefixed with "op://" or has too few parts');
    const [, vaultRef, itemRef, sectionRef, fieldRef] = m as unknown as string[];
    const vaults = vaultOf(vaultRef!);
    if (vaults.length !== 1) return fail("no vault matched the secret reference query");
    const items = fake.items.filter((i) => i.vaultId === vaults[0]!.id && (i.title === itemRef || i.id === itemRef));
    if (items.length === 0) return fail("no item matched the secret reference query");
    if (items.length > 1) return fail("more than one item matched the secret reference query");
    const item = items[0]!;
    let fields = item.fields.filter((f) => f.title === fieldRef || f.id === fieldRef);
    if (sectionRef) {
      const section = item.sections.find((s) => s.title === sectionRef || s.id === sectionRef);
      if (!section) return fail("no section matched the secret reference query");
      fields = fields.filter((f) => f.sectionId === section.id);
    }
    if (fields.length === 1) return fields[0]!.value;
    if (fields.length > 1) return fail("more than one field matched the secret reference query");
    const file = [...item.files, ...(item.document ? [item.document] : [])].find((f) => f.name === fieldRef);
    if (file) return file.content.toString("utf8");
    return fail("the specified field cannot be found within the item");
  };

  const handle = (name: string, p: Record<string, any>): unknown => {
    switch (name) {
      case "SecretsResolve":
        fake.invocations.push(`SecretsResolve ${p.secret_reference}`);
        return resolve(p.secret_reference);
      case "VaultsList":
        fake.invocations.push("VaultsList");
        return fake.vaults.map((v) => ({
          ...v,
          description: "",
          vaultType: "userCreated",
          activeItemCount: fake.items.filter((i) => i.vaultId === v.id).length,
          contentVersion: 1,
          attributeVersion: 1,
          createdAt: "2025-01-01T00:00:00Z",
          updatedAt: "2025-01-01T00:00:00Z",
        }));
      case "ItemsList":
        fake.invocations.push(`ItemsList ${p.vault_id}`);
        return fake.items
          .filter((i) => i.vaultId === p.vault_id)
          .map((i) => ({
            id: i.id,
            title: i.title,
            category: i.category,
            vaultId: i.vaultId,
            websites: [],
            tags: i.tags,
            createdAt: "2025-01-01T00:00:00Z",
            updatedAt: "2025-01-01T00:00:00Z",
            state: "active",
          }));
      case "ItemsGet": {
        fake.invocations.push(`ItemsGet ${p.vault_id} ${p.item_id}`);
        const item = itemIn(p.vault_id, p.item_id);
        if (!item) throw new Error("error getting item: item not found");
        return itemView(item);
      }
      case "ItemsCreate": {
        const params = p.params;
        fake.invocations.push(`ItemsCreate ${params.vaultId} ${params.title}`);
        if (!fake.vaults.some((v) => v.id === params.vaultId)) throw new Error("vault not found");
        const item = fake.addItem({
          title: params.title,
          vaultId: params.vaultId,
          category: params.category,
          fields: (params.fields ?? []).map((f: FakeOpField) => ({ ...f, id: f.id || newId() })),
          sections: params.sections ?? [],
          tags: params.tags ?? [],
        });
        return itemView(item);
      }
      case "ItemsPut": {
        const next = p.item;
        fake.invocations.push(`ItemsPut ${next.vaultId} ${next.id}`);
        const item = itemIn(next.vaultId, next.id);
        if (!item) throw new Error("error updating item: item not found");
        if (next.version !== item.version) throw new Error("item version conflict: the item was changed");
        item.fields = next.fields.map((f: FakeOpField) => ({ ...f, id: f.id || newId() }));
        item.sections = next.sections ?? [];
        item.tags = next.tags ?? [];
        item.title = next.title;
        item.version += 1;
        return itemView(item);
      }
      case "ItemsDelete": {
        fake.invocations.push(`ItemsDelete ${p.vault_id} ${p.item_id}`);
        const i = fake.items.findIndex((x) => x.vaultId === p.vault_id && x.id === p.item_id);
        if (i < 0) throw new Error("error deleting item: item not found");
        fake.items.splice(i, 1);
        return undefined;
      }
      case "ItemsFilesRead": {
        fake.invocations.push(`ItemsFilesRead ${p.vault_id} ${p.item_id} ${p.attr?.name}`);
        const item = itemIn(p.vault_id, p.item_id);
        const file =
          item &&
          [...item.files, ...(item.document ? [item.document] : [])].find((f) => fileId(item, f) === p.attr?.id);
        if (!file) throw new Error("error reading file: file not found");
        return Array.from(file.content);
      }
      default:
        throw new Error(`invocation ${name} is not implemented by the fake core`);
    }
  };

  fake.connect = async (login: SdkLogin): Promise<Client> => {
    fake.logins.push({ ...login, token: login.token === fake.token ? "<valid>" : "<invalid>" });
    if (!login.token.startsWith("ops_")) {
      throw new Error("invalid user input: encountered the following errors: service account token had invalid format");
    }
    if (login.token !== fake.token) throw new Error("error initializing client: Unauthorized");
    const inner = {
      id: 1,
      invoke: async (config: { invocation: { parameters: { name: string; parameters: Record<string, unknown> } } }) => {
        const { name, parameters } = config.invocation.parameters;
        // The SDK serialises its parameters for the core: the fake sees what the core would.
        const params = JSON.parse(JSON.stringify(parameters, (_k, v) => (v instanceof Date ? v.toISOString() : v)));
        const fault = fake.faults.shift();
        if (fault?.kind === "hang") return new Promise<string>(() => {});
        if (fault?.kind === "error") throw await sdkError("", fault.message);
        if (fault) throw await sdkError(fault.kind, `${fault.kind}: injected`);
        let result: unknown;
        try {
          result = handle(name, params);
        } catch (err) {
          throw await sdkError("", (err as Error).message);
        }
        return result === undefined ? "" : JSON.stringify(result);
      },
    };
    const { Client: SdkClient } = await import("@1password/sdk");
    return new SdkClient(inner as never);
  };
  return fake;
}
