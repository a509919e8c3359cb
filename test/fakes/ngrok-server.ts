/**
 * Loopback fake of the ngrok API (version 2) for vaults and vault secrets: `GET /vaults`, `GET /vaults/<id>`,
 * `GET /vaults/<id>/secrets`, `GET|POST /vault_secrets`, `PATCH|DELETE /vault_secrets/<id>`. Checks the bearer API
 * key (401 ERR_NGROK_200) and the `ngrok-version: 2` header (400 ERR_NGROK_218); lists page `pageSize` items
 * at a time through an absolute `next_page_uri`; secret names are unique per vault (400 ERR_NGROK_24005).
 * Like the real API, values are never returned.
 */
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface NgrokFakeSecret {
  id: string;
  vaultId: string;
  name: string;
  value: string;
  metadata: string;
  description: string;
}

export interface NgrokFake {
  url: string;
  apiKeys: Set<string>;
  vaults: { id: string; name: string }[];
  secrets: NgrokFakeSecret[];
  pageSize: number;
  faults: Fault[];
  requests: string[];
  addVault(name: string): string;
  close(): Promise<void>;
}

const err = (res: ServerResponse, status: number, code: string, msg: string) =>
  sendJson(res, status, { error_code: code, status_code: status, msg, details: {} });

export async function startNgrokFake(): Promise<NgrokFake> {
  let seq = 0;
  const fake = {
    apiKeys: new Set<string>(),
    vaults: [] as { id: string; name: string }[],
    secrets: [] as NgrokFakeSecret[],
    pageSize: 100,
    faults: [] as Fault[],
    requests: [] as string[],
    addVault(name: string) {
      const id = `vault_${++seq}`;
      fake.vaults.push({ id, name });
      return id;
    },
  };
  let base = "";
  const view = (s: NgrokFakeSecret) => ({
    id: s.id,
    uri: `${base}/vault_secrets/${s.id}`,
    name: s.name,
    description: s.description,
    metadata: s.metadata,
    vault: { id: s.vaultId, uri: `${base}/vaults/${s.vaultId}` },
    vault_name: fake.vaults.find((v) => v.id === s.vaultId)?.name ?? "",
  });
  const page = <T extends { id: string }>(
    req: FakeRequest,
    res: ServerResponse,
    field: string,
    items: T[],
    map: (t: T) => unknown,
  ) => {
    const limit = Math.min(Number(req.url.searchParams.get("limit") || fake.pageSize), fake.pageSize);
    const after = req.url.searchParams.get("after_id");
    const start = after ? items.findIndex((i) => i.id === after) + 1 : 0;
    const slice = items.slice(start, start + limit);
    const more = start + limit < items.length;
    const next = more ? `${base}${req.url.pathname}?limit=${limit}&after_id=${slice.at(-1)!.id}` : null;
    sendJson(res, 200, { [field]: slice.map(map), uri: `${base}${req.url.pathname}`, next_page_uri: next });
  };
  const handle = (req: FakeRequest, res: ServerResponse) => {
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !fake.apiKeys.has(auth.slice(7))) {
      return err(res, 401, "ERR_NGROK_200", "The API key is not valid.");
    }
    if (req.headers["ngrok-version"] !== "2") return err(res, 400, "ERR_NGROK_218", "Missing ngrok-version header.");
    const path = req.url.pathname;
    if (req.method === "GET" && path === "/vaults") return page(req, res, "vaults", fake.vaults, (v) => v);
    let m = /^\/vaults\/([^/]+)$/.exec(path);
    if (req.method === "GET" && m) {
      const v = fake.vaults.find((x) => x.id === m![1]);
      return v ? sendJson(res, 200, v) : err(res, 404, "ERR_NGROK_404", "Resource not found");
    }
    m = /^\/vaults\/([^/]+)\/secrets$/.exec(path);
    if (req.method === "GET" && m) {
      if (!fake.vaults.some((x) => x.id === m![1])) return err(res, 404, "ERR_NGROK_404", "Resource not found");
      return page(
        req,
        res,
        "secrets",
        fake.secrets.filter((s) => s.vaultId === m![1]),
        view,
      );
    }
    if (path === "/vault_secrets" && req.method === "GET") return page(req, res, "secrets", fake.secrets, view);
    if (path === "/vault_secrets" && req.method === "POST") {
      const b = req.json() as Partial<NgrokFakeSecret> & { vault_id?: string };
      if (!fake.vaults.some((v) => v.id === b.vault_id)) return err(res, 404, "ERR_NGROK_404", "Vault not found");
      if (fake.secrets.some((s) => s.vaultId === b.vault_id && s.name === b.name)) {
        return err(res, 400, "ERR_NGROK_24005", "Secret names must be unique within a vault.");
      }
      const s: NgrokFakeSecret = {
        id: `secret_${++seq}`,
        vaultId: b.vault_id!,
        name: b.name ?? "",
        value: b.value ?? "",
        metadata: b.metadata ?? "",
        description: b.description ?? "",
      };
      fake.secrets.push(s);
      return sendJson(res, 201, view(s));
    }
    m = /^\/vault_secrets\/([^/]+)$/.exec(path);
    if (m) {
      const i = fake.secrets.findIndex((s) => s.id === m![1]);
      if (i < 0) return err(res, 404, "ERR_NGROK_404", "Resource not found");
      if (req.method === "DELETE") {
        fake.secrets.splice(i, 1);
        res.writeHead(204).end();
        return;
      }
      if (req.method === "PATCH") {
        const b = req.json() as Partial<NgrokFakeSecret>;
        const s = fake.secrets[i]!;
        if (b.value !== undefined) s.value = b.value;
        if (b.metadata !== undefined) s.metadata = b.metadata;
        if (b.description !== undefined) s.description = b.description;
        return sendJson(res, 200, view(s));
      }
    }
    err(res, 404, "ERR_NGROK_404", "Resource not found");
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ error_code: `ERR_NGROK_${status}`, status_code: status, msg: "injected", details: {} }),
    requests: fake.requests,
    fallback: handle,
  });
  base = server.url;
  return Object.assign(fake, { url: server.url, close: server.close });
}
