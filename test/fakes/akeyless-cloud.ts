/**
 * The cloud side of Akeyless' aws_iam / azure_ad / gcp access types for the Akeyless fake: a metadata server
 * answering as Azure IMDS (managed identity tokens) and the GCE metadata server (identity tokens), and the checks
 * Akeyless makes on a cloud id: the replayed STS request must carry a valid SigV4 signature of the expected key,
 * the Azure token must have been issued for Azure Resource Manager, the GCP token for the expected audience.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "../../src/providers/aws/kit/sigv4.js";

export interface CloudIdentities {
  aws?: { accessId: string; accessKeyId: string; secretAccessKey: string };
  azure?: { accessId: string; objectId?: string };
  gcp?: { accessId: string; audience: string };
}

interface Issued {
  kind: "azure" | "gcp";
  /** Azure: the resource; GCP: the audience. */
  target: string;
  objectId?: string;
}

export class FakeCloudMetadata {
  url = "";
  readonly issued = new Map<string, Issued>();
  /** Requests seen, as "<METHOD> <path>?<query>". */
  readonly requests: string[] = [];
  private server!: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://127.0.0.1");
      this.requests.push(`${req.method} ${u.pathname}${u.search}`);
      const reply = (status: number, body: string, type = "application/json") => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      };
      if (u.pathname === "/metadata/identity/oauth2/token") {
        if (req.headers.metadata !== "true") return reply(400, '{"error":"invalid_request"}');
        const token = `eyJ0eXAiOiJKV1QifQ.azure-${randomUUID()}`;
        this.issued.set(token, {
          kind: "azure",
          target: u.searchParams.get("resource") ?? "",
          objectId: u.searchParams.get("object_id") ?? undefined,
        });
        return reply(200, JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: "3599" }));
      }
      if (u.pathname === "/computeMetadata/v1/instance/service-accounts/default/identity") {
        if (req.headers["metadata-flavor"] !== "Google") return reply(403, "Missing Metadata-Flavor", "text/plain");
        const audience = u.searchParams.get("audience");
        if (!audience) return reply(400, "non-empty audience parameter required", "text/plain");
        const token = `eyJhbGciOiJSUzI1NiJ9.gcp-${randomUUID()}.sig`;
        this.issued.set(token, { kind: "gcp", target: audience });
        return reply(200, token, "text/plain");
      }
      reply(404, "not found", "text/plain");
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

const unb64 = (s: unknown) => Buffer.from(String(s ?? ""), "base64").toString("utf8");

function verifyAws(cloudId: string, want: NonNullable<CloudIdentities["aws"]>): string | undefined {
  let doc: Record<string, string>;
  try {
    doc = JSON.parse(unb64(cloudId));
  } catch {
    return "cloud id is not base64 JSON";
  }
  const url = unb64(doc.sts_request_url);
  const body = unb64(doc.sts_request_body);
  if (doc.sts_request_method !== "POST" || url !== "https://sts.amazonaws.com/") return "not an STS request";
  if (body !== "Action=GetCallerIdentity&Version=2011-06-15") return "not sts:GetCallerIdentity";
  const lists = JSON.parse(unb64(doc.sts_request_headers)) as Record<string, string[]>;
  const headers = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k.toLowerCase(), v[0] ?? ""]));
  const auth = headers.authorization ?? "";
  const scope = /Credential=([^/]+)\/\d{8}\/us-east-1\/sts\/aws4_request/.exec(auth);
  if (scope?.[1] !== want.accessKeyId) return "signed by another key or for another scope";
  const d = headers["x-amz-date"] ?? "";
  const when = new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
  const signedOnly = new Set(["authorization", "x-amz-date", "host", "x-amz-security-token"]);
  const rest = Object.fromEntries(Object.entries(headers).filter(([k]) => !signedOnly.has(k)));
  const expected = signRequest(
    { method: "POST", url: new URL(url), headers: rest, body },
    {
      accessKeyId: want.accessKeyId,
      secretAccessKey: want.secretAccessKey,
      sessionToken: headers["x-amz-security-token"],
    },
    "us-east-1",
    "sts",
    when,
  );
  return expected.Authorization === auth || expected.authorization === auth ? undefined : "signature mismatch";
}

/** Why Akeyless would refuse this cloud id (undefined: accepted). */
export function refuseCloudId(
  accessType: string,
  accessId: string,
  cloudId: string,
  identities: CloudIdentities,
  metadata: FakeCloudMetadata,
): string | undefined {
  if (!cloudId) return "cloud-id is required";
  if (accessType === "aws_iam") {
    if (identities.aws?.accessId !== accessId) return "unknown access id";
    return verifyAws(cloudId, identities.aws);
  }
  if (accessType === "azure_ad") {
    if (identities.azure?.accessId !== accessId) return "unknown access id";
    const t = metadata.issued.get(cloudId);
    if (t?.kind !== "azure" || t.target !== "https://management.azure.com/") return "not an ARM token from IMDS";
    if (identities.azure.objectId && t.objectId !== identities.azure.objectId) return "another identity";
    return undefined;
  }
  if (accessType === "gcp") {
    if (identities.gcp?.accessId !== accessId) return "unknown access id";
    const t = metadata.issued.get(unb64(cloudId));
    if (t?.kind !== "gcp") return "not a GCE identity token";
    return t.target === identities.gcp.audience ? undefined : "wrong audience";
  }
  return "unknown access type";
}
