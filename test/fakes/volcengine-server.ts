/**
 * Loopback fake of Volcengine's OpenAPI for KMS secrets (GetSecretValue, DescribeSecret) and STS
 * AssumeRoleWithOIDC: checks the HMAC-SHA256 request signature against its access keys (and the STS token of
 * temporary keys), answers in Volcengine's ResponseMetadata/Result envelope, and errors with its codes.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface VolcFakeSecret {
  name: string;
  /** Versions by id; `current` names the one read without a VersionID. */
  versions: Record<string, string>;
  current: string;
}

export interface VolcengineFake {
  url: string;
  region: string;
  keys: Map<string, { secret: string; token?: string }>;
  /** OIDC tokens STS accepts, by role TRN. */
  oidc: Map<string, string>;
  secrets: VolcFakeSecret[];
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

const hmac = (k: Buffer | string, d: string) => createHmac("sha256", k).update(d).digest();
const hex = (d: string | Buffer) => createHash("sha256").update(d).digest("hex");
const enc = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function envelope(res: ServerResponse, status: number, action: string, result?: unknown, code?: string) {
  const meta: Record<string, unknown> = {
    RequestId: randomUUID(),
    Action: action,
    Version: "2021-02-18",
    Service: "kms",
  };
  if (code) meta.Error = { Code: code, Message: `${code}: the request failed` };
  sendJson(res, status, { ResponseMetadata: meta, ...(result ? { Result: result } : {}) });
}

export async function startVolcengineFake(region = "cn-beijing"): Promise<VolcengineFake> {
  const fake = {
    region,
    keys: new Map<string, { secret: string; token?: string }>(),
    oidc: new Map<string, string>(),
    secrets: [] as VolcFakeSecret[],
    faults: [] as Fault[],
    requests: [] as string[],
  };

  /** The error code of a badly signed request, or "" when the signature is right. */
  const checkSignature = (req: FakeRequest, service: string): string => {
    const auth = String(req.headers.authorization ?? "");
    const m =
      /^HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
        auth,
      );
    if (!m) return "MissingAuthenticationToken";
    const [, ak, day, reg, svc, signed, sig] = m as unknown as string[];
    const key = fake.keys.get(ak!);
    if (!key) return "InvalidAccessKey";
    if (reg !== region || svc !== service) return "SignatureDoesNotMatch";
    if (key.token && req.headers["x-security-token"] !== key.token) return "InvalidSecurityToken";
    const names = signed!.split(";");
    if (!names.includes("x-date") || !names.includes("host")) return "SignatureDoesNotMatch";
    const q = [...req.url.searchParams.entries()]
      .map(([k, v]) => [enc(k), enc(v)])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const canonical = [
      req.method,
      req.url.pathname,
      q,
      ...names.map((n) => `${n}:${String(req.headers[n] ?? "").trim()}`),
      "",
      signed,
      hex(req.body),
    ].join("\n");
    const date = String(req.headers["x-date"] ?? "");
    if (!date.startsWith(day!)) return "SignatureDoesNotMatch";
    const toSign = ["HMAC-SHA256", date, `${day}/${reg}/${svc}/request`, hex(canonical)].join("\n");
    const k = hmac(hmac(hmac(hmac(key.secret, day!), reg!), svc!), "request");
    return createHmac("sha256", k).update(toSign).digest("hex") === sig ? "" : "SignatureDoesNotMatch";
  };

  const server = await startFakeServer({
    faults: fake.faults,
    requests: fake.requests,
    faultBody: (status) => ({
      ResponseMetadata: {
        RequestId: randomUUID(),
        Error: { Code: status === 429 ? "FlowLimitExceeded" : "InternalError", Message: `injected ${status}` },
      },
    }),
    record: (r) => `${r.method} ${r.url.search}`,
    fallback: (req, res) => {
      const q = req.url.searchParams;
      const action = q.get("Action") ?? "";
      if (action === "AssumeRoleWithOIDC") {
        if (q.get("Version") !== "2018-01-01") return envelope(res, 400, action, undefined, "InvalidVersion");
        const role = q.get("RoleTrn") ?? "";
        if (!role || fake.oidc.get(role) !== q.get("OIDCToken"))
          return envelope(res, 403, action, undefined, "InvalidOIDCToken");
        const ak = `AKTP${randomUUID().slice(0, 8)}`;
        const token = `STS${randomUUID()}`;
        fake.keys.set(ak, { secret: randomUUID(), token });
        return envelope(res, 200, action, {
          Credentials: {
            AccessKeyId: ak,
            SecretAccessKey: fake.keys.get(ak)!.secret,
            SessionToken: token,
            ExpiredTime: new Date(Date.now() + 3600_000).toISOString(),
          },
        });
      }
      if (q.get("Version") !== "2021-02-18") return envelope(res, 400, action, undefined, "InvalidVersion");
      const sigErr = checkSignature(req, "kms");
      if (sigErr) return envelope(res, 401, action, undefined, sigErr);
      const s = fake.secrets.find((x) => x.name === q.get("SecretName"));
      if (action === "GetSecretValue") {
        const version = q.get("VersionID") ?? s?.current ?? "";
        const value = s?.versions[version];
        if (!s || value === undefined) return envelope(res, 404, action, undefined, "ResourceNotFound");
        return envelope(res, 200, action, { SecretName: s.name, VersionID: version, SecretValue: value });
      }
      if (action === "DescribeSecret") {
        if (!s) return envelope(res, 404, action, undefined, "ResourceNotFound");
        return envelope(res, 200, action, { Secret: { SecretName: s.name, SecretState: "Enable" } });
      }
      return envelope(res, 400, action, undefined, "InvalidActionOrVersion");
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
