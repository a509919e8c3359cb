/**
 * Loopback fake of the Delinea Secret Server REST API: the OAuth2 password grant at /oauth2/token (400
 * invalid_grant for bad credentials, optional domain), pre-issued bearer tokens, secrets by id and by
 * `secretPath`, name search with paging, file-field downloads, secret templates, create/update/delete, and
 * /api/v1/users/current. Answers use the API's camelCase; request bodies are read case-insensitively.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface SsFakeItem {
  fieldId: number;
  fieldName: string;
  slug: string;
  itemValue: string;
  isFile?: boolean;
  filename?: string;
  /** File contents served by the field endpoint (itemValue then holds a placeholder). */
  file?: string;
}

export interface SsFakeSecret {
  id: number;
  name: string;
  folderId: number;
  /** e.g. "/Team"; the secret's path is folderPath + "/" + name. */
  folderPath: string;
  secretTemplateId: number;
  items: SsFakeItem[];
}

export interface SsFakeTemplate {
  id: number;
  fields: { secretTemplateFieldId: number; name: string; fieldSlugName: string; isFile?: boolean }[];
}

export interface SecretServerFake {
  url: string;
  users: Map<string, { password: string; domain?: string }>;
  /** Pre-issued tokens accepted as they are. */
  staticTokens: Set<string>;
  issued: string[];
  live: Set<string>;
  secrets: SsFakeSecret[];
  templates: Map<number, SsFakeTemplate>;
  folders: Map<number, string>;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

const lowerKeys = (o: unknown): Record<string, unknown> =>
  Object.fromEntries(Object.entries((o ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));

function secretJson(s: SsFakeSecret) {
  return {
    id: s.id,
    name: s.name,
    folderId: s.folderId,
    siteId: 1,
    secretTemplateId: s.secretTemplateId,
    secretPolicyId: -1,
    active: true,
    checkedOut: false,
    checkOutEnabled: false,
    enableInheritPermissions: true,
    items: s.items.map((i, n) => ({
      itemId: s.id * 100 + n,
      fieldId: i.fieldId,
      fileAttachmentId: i.isFile && i.file !== undefined ? s.id * 1000 + n : 0,
      fieldName: i.fieldName,
      slug: i.slug,
      fieldDescription: "",
      filename: i.filename ?? "",
      itemValue: i.isFile ? "*** Not Valid For Display ***" : i.itemValue,
      isFile: !!i.isFile,
      isNotes: false,
      isPassword: i.slug === "password",
    })),
  };
}

export async function startSecretServerFake(): Promise<SecretServerFake> {
  const fake = {
    users: new Map(),
    staticTokens: new Set<string>(),
    issued: [] as string[],
    live: new Set<string>(),
    secrets: [] as SsFakeSecret[],
    templates: new Map(),
    folders: new Map(),
    faults: [] as Fault[],
    requests: [] as string[],
  } as Omit<SecretServerFake, "url" | "close">;

  const notFound = (res: ServerResponse) =>
    send(res, 404, { message: "Secret not found", errorCode: "API_SecretNotFound" });

  const handle = (req: FakeRequest, res: ServerResponse) => {
    const path = req.url.pathname;
    if (path === "/oauth2/token" && req.method === "POST") {
      const form = new URLSearchParams(req.text());
      const user = fake.users.get(form.get("username") ?? "");
      if (
        form.get("grant_type") !== "password" ||
        !user ||
        user.password !== form.get("password") ||
        (user.domain ?? "") !== (form.get("domain") ?? "")
      ) {
        return send(res, 400, { error: "invalid_grant" });
      }
      const token = `ss-${randomBytes(12).toString("hex")}`;
      fake.issued.push(token);
      fake.live.add(token);
      return send(res, 200, { access_token: token, token_type: "bearer", expires_in: 1200 });
    }
    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (!fake.live.has(token) && !fake.staticTokens.has(token)) {
      return send(res, 401, { message: "Authentication failed or expired token" });
    }
    if (path === "/api/v1/users/current") return send(res, 200, { id: 3, userName: "eso" });
    const tpl = /^\/api\/v1\/secret-templates\/(\d+)$/.exec(path);
    if (tpl) {
      const t = fake.templates.get(Number(tpl[1]));
      return t ? send(res, 200, { ...t, name: `template ${t.id}` }) : send(res, 404, { message: "Template not found" });
    }
    if (path === "/api/v1/secrets" && req.method === "GET") {
      const text = (req.url.searchParams.get("filter.searchText") ?? "").toLowerCase();
      const skip = Number(req.url.searchParams.get("paging.skip") ?? 0);
      const take = Number(req.url.searchParams.get("paging.take") ?? 10);
      const all = fake.secrets.filter((s) => s.name.toLowerCase().includes(text));
      const records = all.slice(skip, skip + take).map((s) => ({ id: s.id, name: s.name, folderId: s.folderId }));
      return send(res, 200, { records, skip, take, total: all.length, hasNext: skip + take < all.length });
    }
    if (path === "/api/v1/secrets" && req.method === "POST") {
      const b = lowerKeys(req.json());
      const template = fake.templates.get(Number(b.secrettemplateid));
      if (!template) return send(res, 400, { message: "Invalid template" });
      if (!fake.folders.has(Number(b.folderid))) return send(res, 400, { message: "Invalid folder" });
      const id = Math.max(0, ...fake.secrets.map((s) => s.id)) + 1;
      const items = ((b.items as unknown[]) ?? []).map((raw) => {
        const i = lowerKeys(raw);
        const f = template.fields.find((t) => t.secretTemplateFieldId === Number(i.fieldid));
        return {
          fieldId: Number(i.fieldid),
          fieldName: f?.name ?? "",
          slug: f?.fieldSlugName ?? "",
          itemValue: String(i.itemvalue ?? ""),
        };
      });
      if (items.some((i) => !i.slug)) return send(res, 400, { message: "Invalid field" });
      const s: SsFakeSecret = {
        id,
        name: String(b.name),
        folderId: Number(b.folderid),
        folderPath: fake.folders.get(Number(b.folderid)) ?? "",
        secretTemplateId: template.id,
        items,
      };
      fake.secrets.push(s);
      return send(res, 200, secretJson(s));
    }
    const byId = /^\/api\/v1\/secrets\/(\d+)(?:\/fields\/([^/]+))?$/.exec(path);
    if (!byId) return send(res, 404, { message: "not found" });
    const id = Number(byId[1]);
    if (id === 0 && req.method === "GET" && req.url.searchParams.has("secretPath")) {
      const p = req.url.searchParams.get("secretPath");
      const s = fake.secrets.find((x) => `${x.folderPath}/${x.name}` === p);
      return s ? send(res, 200, secretJson(s)) : notFound(res);
    }
    const s = fake.secrets.find((x) => x.id === id);
    if (!s) return notFound(res);
    if (byId[2]) {
      const f = s.items.find((i) => i.slug === decodeURIComponent(byId[2]!));
      if (!f?.isFile) return send(res, 400, { message: "Field is not a file" });
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(f.file ?? "");
      return;
    }
    if (req.method === "GET") return send(res, 200, secretJson(s));
    if (req.method === "DELETE") {
      fake.secrets.splice(fake.secrets.indexOf(s), 1);
      return send(res, 200, { id, objectType: "Secret", responseCodes: [] });
    }
    if (req.method === "PUT") {
      const b = lowerKeys(req.json());
      for (const raw of (b.items as unknown[]) ?? []) {
        const i = lowerKeys(raw);
        const target = s.items.find((x) => x.fieldId === Number(i.fieldid));
        if (target && !target.isFile) target.itemValue = String(i.itemvalue ?? "");
      }
      return send(res, 200, secretJson(s));
    }
    send(res, 405, { message: "method not allowed" });
  };

  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ message: `injected ${status}` }),
    requests: fake.requests,
    record: (req) => `${req.method} ${req.url.pathname}${req.url.search}`,
    fallback: handle,
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
