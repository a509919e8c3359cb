/**
 * Loopback fake of Google Secret Manager's REST/JSON transport (v1, global and regional resources), plus the
 * Google token services the provider uses: the OAuth2 token endpoint (JWT-bearer grant signed by a service
 * account key), STS token exchange, IAM Credentials generateAccessToken and the GCE metadata server.
 * Errors use Google's `{error: {code, message, status}}` shape. STS takes a JWT subject token (judged by `sts`)
 * or, for AWS pool providers, a serialized SigV4-signed GetCallerIdentity request, whose signature is checked
 * against `awsKeys` and whose x-goog-cloud-target-resource must be the audience. `faults` are answered by
 * Secret Manager, `tokenFaults` by the token services; `pointGoogleClientsAt` aims the operator's clients here.
 */
import { createHash, createHmac, createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeGcpSecret {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Version n is versions[n-1]. */
  versions: { data: Buffer; state: "ENABLED" | "DISABLED" | "DESTROYED" }[];
}

export interface GcpFake {
  url: string;
  /** Full resource name (projects/p/secrets/s or projects/p/locations/l/secrets/s) -> secret. */
  secrets: Map<string, FakeGcpSecret>;
  /** Service account email -> public key PEM, for JWT-bearer grants. */
  serviceAccounts: Map<string, string>;
  /** STS: decides whether a subject token is accepted for the audience. */
  sts?: (audience: string, subjectToken: string) => boolean;
  /** AWS access key id -> secret (and session token) accepted in AWS subject tokens. */
  awsKeys: Map<string, { secret: string; sessionToken?: string }>;
  /** Every STS exchange that reached the fake, accepted or not. */
  stsExchanges: { audience: string; subjectTokenType: string; scope: string; accepted: boolean }[];
  /** Google service accounts a federated token may impersonate. */
  impersonable: Set<string>;
  metadataToken: boolean;
  metadataAttributes: Record<string, string>;
  /** The project the metadata server reports (unset: 404, as off Google Cloud). */
  metadataProjectID?: string;
  faults: number[];
  /** Statuses the token services (OAuth2 token, STS, generateAccessToken) answer with next, one per call. */
  tokenFaults: number[];
  requests: string[];
  tokenKinds: string[];
  addSecret(
    name: string,
    values: string[],
    labels?: Record<string, string>,
    annotations?: Record<string, string>,
  ): void;
  /** A service-account key JSON whose token_uri points at this server. */
  newServiceAccountKey(email: string): string;
  /** How this fake issued `token` ("jwt", "sts", "metadata", "impersonate:<email>"), or undefined if it did not. */
  tokenKind(token: string): string | undefined;
  close(): Promise<void>;
}

const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
const STATE_NUM = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 } as const;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}
function gErr(res: ServerResponse, code: number, message: string, status = STATUS[code] ?? "UNKNOWN"): void {
  send(res, code, { error: { code, message, status } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function verifyJwt(jwt: string, publicKeyPem: string): Record<string, unknown> | undefined {
  const [h, p, s] = jwt.split(".");
  if (!h || !p || !s) return undefined;
  const ok = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(publicKeyPem, Buffer.from(s, "base64url"));
  return ok ? (JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>) : undefined;
}

const AWS_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request";
const hex256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Checks a serialized, signed sts:GetCallerIdentity request as Google STS does for AWS providers. */
function verifyAwsSubjectToken(
  token: string,
  audience: string,
  keys: Map<string, { secret: string; sessionToken?: string }>,
): boolean {
  let req: { url?: string; method?: string; headers?: { key: string; value: string }[] };
  try {
    req = JSON.parse(decodeURIComponent(token));
  } catch {
    return false;
  }
  if (req.method !== "POST" || !req.url || !Array.isArray(req.headers)) return false;
  const url = new URL(req.url);
  if (!/^sts\.[a-z0-9-]+\.amazonaws\.com$/.test(url.host)) return false;
  if (url.searchParams.get("Action") !== "GetCallerIdentity" || url.searchParams.get("Version") !== "2011-06-15")
    return false;
  const headers = new Map(req.headers.map((h) => [h.key.toLowerCase(), h.value]));
  if (headers.get("x-goog-cloud-target-resource") !== audience || headers.get("host") !== url.host) return false;
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      headers.get("authorization") ?? "",
    );
  if (!m) return false;
  const [, keyId, day, region, signedList, signature] = m as unknown as string[];
  const key = keys.get(keyId!);
  if (!key || (key.sessionToken && headers.get("x-amz-security-token") !== key.sessionToken)) return false;
  const signed = signedList!.split(";");
  for (const h of ["host", "x-amz-date", "x-goog-cloud-target-resource"]) if (!signed.includes(h)) return false;
  const date = headers.get("x-amz-date") ?? "";
  if (date.slice(0, 8) !== day || url.host !== `sts.${region}.amazonaws.com`) return false;
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join("&");
  const canonical = [
    "POST",
    url.pathname || "/",
    query,
    signed.map((h) => `${h}:${(headers.get(h) ?? "").trim()}\n`).join(""),
    signedList,
    hex256(""),
  ].join("\n");
  const scope = `${day}/${region}/sts/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", date, scope, hex256(canonical)].join("\n");
  let k: Buffer = createHmac("sha256", `AWS4${key.secret}`).update(day!).digest();
  for (const part of [region!, "sts", "aws4_request"]) k = createHmac("sha256", k).update(part).digest();
  return createHmac("sha256", k).update(toSign).digest("hex") === signature;
}

function matchesFilter(s: FakeGcpSecret, filter: string | null): boolean {
  if (!filter) return true;
  return filter.split(/\s+AND\s+/).every((term) => {
    const m = /^labels\.([^=:]+)[=:](.*)$/.exec(term.trim());
    return m ? s.labels[m[1]!] === m[2] : false;
  });
}

/** The environment variables through which the operator finds Google's endpoints and ambient credentials. */
const GOOGLE_ENV = [
  "GCP_SECRETMANAGER_ENDPOINT",
  "GCP_OAUTH_TOKEN_URL",
  "GCP_STS_TOKEN_URL",
  "GCP_IAM_CREDENTIALS_ENDPOINT",
  "GCE_METADATA_HOST",
  "GOOGLE_APPLICATION_CREDENTIALS",
] as const;

/**
 * Points Secret Manager, STS, IAM Credentials and the metadata server at a loopback fake (service-account keys
 * carry their own token_uri). GOOGLE_APPLICATION_CREDENTIALS and GCP_OAUTH_TOKEN_URL are cleared, so the host's
 * own Google credentials never take part. `metadata: false` leaves no metadata server (a closed port), as off
 * Google Cloud. Returns the function that restores the environment as it was.
 */
export function pointGoogleClientsAt(url: string, opts: { metadata?: boolean } = {}): () => void {
  const saved = Object.fromEntries(GOOGLE_ENV.map((k) => [k, process.env[k]]));
  delete process.env.GCP_OAUTH_TOKEN_URL;
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.GCP_SECRETMANAGER_ENDPOINT = url;
  process.env.GCP_STS_TOKEN_URL = `${url}/v1/token`;
  process.env.GCP_IAM_CREDENTIALS_ENDPOINT = url;
  process.env.GCE_METADATA_HOST = opts.metadata === false ? "127.0.0.1:9" : url.replace(/^https?:\/\//, "");
  return () => {
    for (const k of GOOGLE_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}

export async function startGcpFake(): Promise<GcpFake> {
  const tokens = new Map<string, string>();
  let base = "";
  const issue = (kind: string) => {
    const t = `ya29.${randomUUID()}`;
    tokens.set(t, kind);
    fake.tokenKinds.push(kind);
    return t;
  };
  const fake = {
    secrets: new Map(),
    serviceAccounts: new Map(),
    impersonable: new Set(),
    awsKeys: new Map(),
    stsExchanges: [] as GcpFake["stsExchanges"],
    metadataToken: false,
    metadataAttributes: {},
    faults: [] as number[],
    tokenFaults: [] as number[],
    requests: [] as string[],
    tokenKinds: [] as string[],
    addSecret(name: string, values: string[], labels = {}, annotations = {}) {
      fake.secrets.set(name, {
        labels,
        annotations,
        versions: values.map((v) => ({ data: Buffer.from(v), state: "ENABLED" as const })),
      });
    },
    tokenKind: (token: string) => tokens.get(token),
    newServiceAccountKey(email: string) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      fake.serviceAccounts.set(email, publicKey.export({ type: "spki", format: "pem" }).toString());
      return JSON.stringify({
        type: "service_account",
        project_id: "my-gcp-project-123",
        private_key_id: randomUUID(),
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        client_email: email,
        client_id: "1234567890",
        token_uri: `${base}/token`,
      });
    },
  } as unknown as GcpFake;

  function secretManager(req: IncomingMessage, res: ServerResponse, path: string, u: URL, body: string) {
    const auth = req.headers.authorization ?? "";
    if (!tokens.has(auth.replace(/^Bearer /, ""))) {
      return gErr(res, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token.");
    }
    const fault = fake.faults.shift();
    if (fault !== undefined) return gErr(res, fault, `injected ${fault}`);
    const [resource, verb] = path.split(":") as [string, string | undefined];
    const m = /^(projects\/[^/]+(?:\/locations\/[^/]+)?)\/secrets(?:\/([^/]+))?(?:\/versions(?:\/([^/]+))?)?$/.exec(
      resource,
    );
    if (!m) return gErr(res, 404, `unknown resource ${resource}`);
    const [, parent, secretId, version] = m;
    const name = `${parent}/secrets/${secretId}`;
    const secret = secretId ? fake.secrets.get(name) : undefined;
    const notFound = () => gErr(res, 404, `Secret [${name}] not found or has no versions.`);
    // list secrets / create secret
    if (!secretId) {
      if (req.method === "POST") {
        const id = u.searchParams.get("secretId") ?? "";
        const full = `${parent}/secrets/${id}`;
        if (fake.secrets.has(full)) return gErr(res, 409, `Secret [${full}] already exists.`);
        const b = JSON.parse(body || "{}");
        fake.secrets.set(full, { labels: b.labels ?? {}, annotations: b.annotations ?? {}, versions: [] });
        return send(res, 200, { name: full, labels: b.labels ?? {}, createTime: new Date().toISOString() });
      }
      const all = [...fake.secrets.entries()].filter(
        ([n, s]) => n.startsWith(`${parent}/secrets/`) && matchesFilter(s, u.searchParams.get("filter")),
      );
      const size = Number(u.searchParams.get("pageSize") || 2);
      const start = Number(u.searchParams.get("pageToken") || 0);
      const page = all
        .slice(start, start + size)
        .map(([n, s]) => ({ name: n, labels: s.labels, annotations: s.annotations }));
      const next = start + size < all.length ? String(start + size) : undefined;
      return send(res, 200, { secrets: page, ...(next ? { nextPageToken: next } : {}), totalSize: all.length });
    }
    if (!secret) return notFound();
    if (verb === "addVersion" && req.method === "POST") {
      const b = JSON.parse(body || "{}");
      secret.versions.push({ data: Buffer.from(b.payload?.data ?? "", "base64"), state: "ENABLED" });
      return send(res, 200, { name: `${name}/versions/${secret.versions.length}`, state: STATE_NUM.ENABLED });
    }
    if (resource === name && req.method === "DELETE") {
      fake.secrets.delete(name);
      return send(res, 200, {});
    }
    if (resource === name) {
      return send(res, 200, {
        name,
        labels: secret.labels,
        annotations: secret.annotations,
        replication: { automatic: {} },
      });
    }
    if (version === undefined) {
      const wanted = u.searchParams.get("filter") === "state:ENABLED";
      const versions = secret.versions
        .map((v, i) => ({ name: `${name}/versions/${i + 1}`, state: STATE_NUM[v.state] }))
        .filter((v) => !wanted || v.state === STATE_NUM.ENABLED);
      return send(res, 200, { versions, totalSize: versions.length });
    }
    const n = version === "latest" ? secret.versions.length : Number(version);
    const v = secret.versions[n - 1];
    if (!v) return notFound();
    if (verb === "access") {
      if (v.state !== "ENABLED") {
        return gErr(res, 400, `Secret Version [${name}/versions/${n}] is in ${v.state} state.`, "FAILED_PRECONDITION");
      }
      return send(res, 200, { name: `${name}/versions/${n}`, payload: { data: v.data.toString("base64") } });
    }
    return send(res, 200, { name: `${name}/versions/${n}`, state: STATE_NUM[v.state] });
  }

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    fake.requests.push(`${req.method} ${u.pathname}`);
    const path = decodeURIComponent(u.pathname);
    const tokenService =
      req.method === "POST" && (path === "/token" || path === "/v1/token" || path.endsWith(":generateAccessToken"));
    const tokenFault = tokenService ? fake.tokenFaults.shift() : undefined;
    if (tokenFault !== undefined) return gErr(res, tokenFault, `injected ${tokenFault}`);
    if (path === "/token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      const jwt = form.get("assertion") ?? "";
      const claims = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8") || "{}");
      const key = fake.serviceAccounts.get(String(claims.iss));
      const ok = key && verifyJwt(jwt, key) && claims.aud === `${base}/token`;
      if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer" || !ok) {
        return send(res, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
      }
      return send(res, 200, { access_token: issue("jwt"), expires_in: 3599, token_type: "Bearer" });
    }
    if (path === "/v1/token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      const audience = form.get("audience") ?? "";
      const subjectTokenType = form.get("subject_token_type") ?? "";
      const subject = form.get("subject_token") ?? "";
      const ok =
        form.get("grant_type") === "urn:ietf:params:oauth:grant-type:token-exchange" &&
        form.get("requested_token_type") === "urn:ietf:params:oauth:token-type:access_token" &&
        (subjectTokenType === AWS_TOKEN_TYPE
          ? verifyAwsSubjectToken(subject, audience, fake.awsKeys)
          : subjectTokenType === "urn:ietf:params:oauth:token-type:jwt" && (fake.sts?.(audience, subject) ?? false));
      fake.stsExchanges.push({ audience, subjectTokenType, scope: form.get("scope") ?? "", accepted: ok });
      if (!ok)
        return send(res, 400, {
          error: "invalid_grant",
          error_description: "The audience or subject token is invalid.",
        });
      return send(res, 200, {
        access_token: issue("sts"),
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 3600,
      });
    }
    const imp = /^\/v1\/projects\/-\/serviceAccounts\/(.+):generateAccessToken$/.exec(path);
    if (imp && req.method === "POST") {
      if (!tokens.has((req.headers.authorization ?? "").replace(/^Bearer /, "")))
        return gErr(res, 401, "invalid credentials");
      if (!fake.impersonable.has(imp[1]!))
        return gErr(res, 403, `Permission 'iam.serviceAccounts.getAccessToken' denied`);
      return send(res, 200, {
        accessToken: issue(`impersonate:${imp[1]}`),
        expireTime: new Date(Date.now() + 3600_000).toISOString(),
      });
    }
    if (path.startsWith("/computeMetadata/v1/")) {
      if (req.headers["metadata-flavor"] !== "Google") return send(res, 403, "Missing Metadata-Flavor:Google header.");
      if (path === "/computeMetadata/v1/instance/service-accounts/default/token" && fake.metadataToken) {
        return send(res, 200, { access_token: issue("metadata"), expires_in: 3599, token_type: "Bearer" });
      }
      if (path === "/computeMetadata/v1/project/project-id" && fake.metadataProjectID) {
        res.writeHead(200, { "content-type": "application/text" });
        res.end(fake.metadataProjectID);
        return;
      }
      const attr = /^\/computeMetadata\/v1\/instance\/attributes\/(.+)$/.exec(path);
      if (attr && fake.metadataAttributes[attr[1]!] !== undefined) {
        res.writeHead(200, { "content-type": "application/text" });
        res.end(fake.metadataAttributes[attr[1]!]);
        return;
      }
      return send(res, 404, "not found");
    }
    if (path.startsWith("/v1/projects/")) return secretManager(req, res, path.slice(4), u, body);
    gErr(res, 404, "not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url: base,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  });
}
