/**
 * Loopback fake of the Doppler REST API v3 (the endpoints the provider uses), following the documented wire
 * format: bearer token auth, `{messages, success}` error bodies, computed/raw secret values, name transformers.
 */
import type { ServerResponse } from "node:http";
import { startFakeServer } from "../support/fake-server.js";

export interface DopplerFake {
  url: string;
  /** project/config -> secrets. */
  configs: Map<string, Record<string, string>>;
  /** Tokens accepted; a service token maps to its project/config. */
  tokens: Map<string, { project: string; config: string } | null>;
  /** Statuses returned (once each, in order) before normal handling: fault injection. */
  faults: number[];
  requests: { method: string; path: string }[];
  /** OIDC login: returns the Doppler token to issue for (identity, ServiceAccount JWT), or undefined to refuse. */
  oidc?: (identity: string, token: string) => string | undefined;
  close(): Promise<void>;
}

function transform(name: string, how: string | null): string {
  if (!how) return name;
  const words = name.toLowerCase().split("_").filter(Boolean);
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  switch (how) {
    case "camel":
      return words.map((w, i) => (i ? cap(w) : w)).join("");
    case "upper-camel":
      return words.map(cap).join("");
    case "lower-snake":
      return words.join("_");
    case "lower-kebab":
      return words.join("-");
    case "tf-var":
      return `TF_VAR_${words.join("_")}`;
    case "dotnet-env":
      return words.map(cap).join("__");
    default:
      return name;
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  res.writeHead(status, { "content-type": type });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, message: string): void {
  send(res, status, { messages: [message], success: false });
}

export async function startDopplerFake(): Promise<DopplerFake> {
  const fake: Omit<DopplerFake, "url" | "close"> = {
    configs: new Map(),
    tokens: new Map(),
    faults: [],
    requests: [],
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ messages: [`injected fault ${status}`], success: false }),
    requests: fake.requests,
    record: (req) => ({ method: req.method, path: req.url.pathname }),
    fallback: (req, res) => {
      const u = req.url;
      if (u.pathname === "/v3/auth/oidc" && req.method === "POST") {
        const { identity, token } = req.json();
        const issued = fake.oidc?.(String(identity), String(token));
        if (!issued) return fail(res, 401, "Unable to authenticate with OIDC");
        return send(res, 200, {
          success: true,
          token: issued,
          expires_at: new Date(Date.now() + 3600e3).toISOString(),
        });
      }
      const auth = req.headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      if (!fake.tokens.has(token)) return fail(res, 401, "Invalid Auth token");
      const scope = fake.tokens.get(token) ?? null;
      if (u.pathname === "/v3/me" && req.method === "GET")
        return send(res, 200, { name: "fake", type: "service_token" });
      const body = req.method === "POST" ? req.json() : {};
      const project = u.searchParams.get("project") ?? body.project ?? scope?.project;
      const config = u.searchParams.get("config") ?? body.config ?? scope?.config;
      if (!project || !config) return fail(res, 400, "project and config are required with a personal token");
      if (scope && (scope.project !== project || scope.config !== config)) {
        return fail(res, 403, "This token does not have access to requested config");
      }
      const secrets = fake.configs.get(`${project}/${config}`);
      if (!secrets) return fail(res, 404, "Could not find requested config");

      if (u.pathname === "/v3/configs/config/secret" && req.method === "GET") {
        const name = u.searchParams.get("name") ?? "";
        if (!(name in secrets)) return fail(res, 404, "Could not find requested secret");
        return send(res, 200, { name, value: { raw: secrets[name], computed: secrets[name] }, success: true });
      }
      if (u.pathname === "/v3/configs/config/secrets/download" && req.method === "GET") {
        const how = u.searchParams.get("name_transformer");
        const all: Record<string, string> = {};
        for (const [k, v] of Object.entries(secrets)) all[transform(k, how)] = v;
        const format = u.searchParams.get("format") ?? "json";
        if (format === "json") return send(res, 200, all);
        if (format === "env") {
          const lines = Object.entries(all).map(([k, v]) => `${k}="${v}"`);
          return send(res, 200, `${lines.join("\n")}\n`, "text/plain");
        }
        return fail(res, 400, `format ${format} is not supported by the fake`);
      }
      if (u.pathname === "/v3/configs/config/secrets" && req.method === "POST") {
        for (const [k, v] of Object.entries((body.secrets ?? {}) as Record<string, string | null>)) {
          if (v === null) delete secrets[k];
          else secrets[k] = v;
        }
        for (const cr of (body.change_requests ?? []) as { name: string; shouldDelete?: boolean; value?: string }[]) {
          if (cr.shouldDelete) {
            if (!(cr.name in secrets)) return fail(res, 404, "Could not find requested secret");
            delete secrets[cr.name];
          } else if (cr.value !== undefined) secrets[cr.name] = cr.value;
        }
        return send(res, 200, { secrets: {}, success: true });
      }
      return fail(res, 404, "Not found");
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
