/**
 * Loopback fake of the 1Password Connect REST API (v1): bearer auth, `filter=title eq "…"` queries on vaults and
 * items, full items with fields and files, file content, item create/replace/delete, and `{status, message}`
 * error bodies.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface FakeField {
  id?: string;
  label: string;
  value: string;
  type?: string;
}
export interface FakeFile {
  id: string;
  name: string;
  content: Buffer;
}
export interface FakeItem {
  id: string;
  title: string;
  category: string;
  tags: string[];
  fields: FakeField[];
  files: FakeFile[];
}

export interface OnePasswordFake {
  url: string;
  token: string;
  /** vault id -> vault */
  vaults: Map<string, { name: string; items: FakeItem[] }>;
  faults: number[];
  requests: string[];
  addVault(name: string): string;
  addItem(vaultName: string, item: Partial<FakeItem> & { title: string }): FakeItem;
  close(): Promise<void>;
}

/** Connect object IDs are 26 lowercase alphanumerics. */
export const newOpId = () => randomBytes(20).toString("hex").slice(0, 26);

const fail = (res: ServerResponse, status: number, message: string) => send(res, status, { status, message });

function titleFilter(u: URL): string | undefined {
  const f = u.searchParams.get("filter");
  const m = f ? /^(?:title|name) eq "(.*)"$/.exec(f) : null;
  return m ? m[1] : undefined;
}

function fullItem(vaultId: string, i: FakeItem) {
  return {
    id: i.id,
    title: i.title,
    category: i.category,
    tags: i.tags,
    vault: { id: vaultId },
    version: 1,
    fields: i.fields.map((f) => ({ type: "STRING", ...f })),
    files: i.files.map((f) => ({
      id: f.id,
      name: f.name,
      size: f.content.length,
      content_path: `/v1/vaults/${vaultId}/items/${i.id}/files/${f.id}/content`,
    })),
  };
}
const summary = (vaultId: string, i: FakeItem) => ({
  id: i.id,
  title: i.title,
  category: i.category,
  tags: i.tags,
  vault: { id: vaultId },
});

export async function startOnePasswordFake(token = "connect-token"): Promise<OnePasswordFake> {
  const vaults: OnePasswordFake["vaults"] = new Map();
  const fake = {
    token,
    vaults,
    faults: [] as number[],
    requests: [] as string[],
    addVault(name: string) {
      const id = newOpId();
      vaults.set(id, { name, items: [] });
      return id;
    },
    addItem(vaultName: string, partial: Partial<FakeItem> & { title: string }) {
      const v = [...vaults.values()].find((x) => x.name === vaultName);
      if (!v) throw new Error(`no vault ${vaultName}`);
      const item: FakeItem = { id: newOpId(), category: "LOGIN", tags: [], fields: [], files: [], ...partial };
      v.items.push(item);
      return item;
    },
  } as Omit<OnePasswordFake, "url" | "close">;

  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ status, message: `injected ${status}` }),
    requests: fake.requests,
    fallback: (req, res) => {
      const u = req.url;
      if (req.headers.authorization !== `Bearer ${fake.token}`) return fail(res, 401, "Invalid token signature");
      const p = u.pathname.replace(/\/+$/, "").split("/").slice(1); // v1, vaults, vid, items, iid, files, fid, content
      if (p[0] !== "v1" || p[1] !== "vaults") return fail(res, 404, "Invalid request path");
      if (p.length === 2) {
        const t = titleFilter(u);
        const list = [...vaults.entries()].filter(([, v]) => t === undefined || v.name === t);
        return send(
          res,
          200,
          list.map(([id, v]) => ({ id, name: v.name, type: "USER_CREATED" })),
        );
      }
      const vid = p[2]!;
      const vault = vaults.get(vid);
      if (!vault) return fail(res, 404, "vault not found");
      if (p.length === 3) return send(res, 200, { id: vid, name: vault.name });
      if (p[3] !== "items") return fail(res, 404, "Invalid request path");
      if (p.length === 4 && req.method === "GET") {
        const t = titleFilter(u);
        return send(
          res,
          200,
          vault.items.filter((i) => t === undefined || i.title === t).map((i) => summary(vid, i)),
        );
      }
      if (p.length === 4 && req.method === "POST") {
        const body = req.json();
        const item: FakeItem = {
          id: newOpId(),
          title: body.title,
          category: body.category,
          tags: body.tags ?? [],
          fields: (body.fields ?? []).map((f: FakeField) => ({
            id: f.id ?? newOpId(),
            label: f.label,
            value: f.value,
            type: f.type,
          })),
          files: [],
        };
        vault.items.push(item);
        return send(res, 200, fullItem(vid, item));
      }
      const item = vault.items.find((i) => i.id === p[4]);
      if (!item) return fail(res, 404, "item not found");
      if (p.length === 5 && req.method === "GET") return send(res, 200, fullItem(vid, item));
      if (p.length === 5 && req.method === "PUT") {
        const body = req.json();
        item.title = body.title ?? item.title;
        item.tags = body.tags ?? item.tags;
        item.fields = (body.fields ?? []).map((f: FakeField) => ({
          id: f.id ?? newOpId(),
          label: f.label,
          value: f.value,
          type: f.type,
        }));
        return send(res, 200, fullItem(vid, item));
      }
      if (p.length === 5 && req.method === "DELETE") {
        vault.items = vault.items.filter((i) => i !== item);
        res.writeHead(204).end();
        return;
      }
      if (p[5] === "files") {
        const file = item.files.find((f) => f.id === p[6]);
        if (!file) return fail(res, 404, "file not found");
        if (p[7] === "content") {
          res.writeHead(200, { "content-type": "application/octet-stream" });
          res.end(file.content);
          return;
        }
        return send(res, 200, { id: file.id, name: file.name, size: file.content.length });
      }
      fail(res, 404, "Invalid request path");
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
