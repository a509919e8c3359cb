/**
 * A loopback AWS endpoint for provider tests, speaking the documented wire protocols: Secrets Manager and
 * SSM Parameter Store over JSON 1.1 (POST /, X-Amz-Target), and STS over the query protocol (form body,
 * XML answers) for AssumeRole, AssumeRoleWithWebIdentity and GetSessionToken (long-term keys only, optional MFA
 * device check, as IAM users get). Signed calls must carry a well-formed SigV4
 * Authorization header whose credential scope names this service and the expected region, for a known
 * access key (and its session token). Every request is recorded; faults (status/code, delay) can be queued,
 * and actions can be denied outright (AccessDeniedException, as IAM answers an action the policy lacks).
 * ACM (JSON 1.1, target CertificateManager.*) answers GetCertificate, DescribeCertificate and ExportCertificate;
 * an export encrypts the private key (PKCS#8, AES-256-CBC) with the caller's passphrase, as ACM does. It also
 * imports (ImportCertificate, checking that the key matches; a re-import keeps the ARN and takes no tags), tags
 * (Add/Remove/ListTagsForCertificate) and deletes certificates; the Resource Groups Tagging API's GetResources
 * (target ResourceGroupsTaggingAPI_20170126.*, signing service "tagging") finds them by tags, paged.
 * CodeArtifact (REST-JSON, POST /v1/authorization-token?domain=&domain-owner=&duration=) answers
 * GetAuthorizationToken for the domains added with addCodeArtifactDomain.
 */
import { createPrivateKey, randomUUID, X509Certificate } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface AwsRecorded {
  service: "secretsmanager" | "ssm" | "sts" | "ecr" | "ecr-public" | "acm" | "tagging" | "codeartifact";
  action: string;
  body: any;
  headers: http.IncomingHttpHeaders;
  accessKeyId?: string;
  region?: string;
}

export interface AwsFault {
  /** HTTP status of the error answer; omit to only delay the real answer. */
  status?: number;
  code?: string;
  message?: string;
  delayMs?: number;
  /** Never answer: the request stays open until the client gives up or the server stops. */
  hang?: boolean;
}

interface SmVersion {
  id: string;
  stages: string[];
  string?: string;
  binary?: Buffer;
  created: number;
}

interface SmSecret {
  name: string;
  arn: string;
  versions: SmVersion[];
  tags: Record<string, string>;
  description?: string;
  /** Scheduled for deletion (DeleteSecret with a recovery window): described and listed no more, otherwise refused. */
  deleted?: boolean;
  /** Deleted with ForceDeleteWithoutRecovery: gone (kept here only so tests can see it was deleted). */
  purged?: boolean;
}

interface SsmParam {
  name: string;
  type: string;
  versions: { version: number; value: string }[];
  tags: Record<string, string>;
  description?: string;
}

export interface AcmCertificate {
  arn: string;
  certificatePem: string;
  chainPem: string;
  privateKeyPem: string;
  exportable: boolean;
  tags?: Record<string, string>;
  imported?: boolean;
}

export interface AssumedSession {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  sourceAccessKeyId?: string;
  webIdentityToken?: string;
  /** DurationSeconds asked for (AWS's default 3600 when absent). */
  durationSeconds: number;
}

/** One GetSessionToken answered. */
export interface IssuedSessionToken {
  sourceAccessKeyId: string;
  accessKeyId: string;
  durationSeconds: number;
  serialNumber?: string;
}

const ACCOUNT = "123456789012";
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export class FakeAws {
  readonly requests: AwsRecorded[] = [];
  readonly sessions: AssumedSession[] = [];
  readonly sessionTokens: IssuedSessionToken[] = [];
  /** MFA devices by serial number: each checks the one-time code GetSessionToken passes. */
  private readonly mfaDevices = new Map<string, (code: string) => boolean>();
  private readonly keys = new Map<string, { secret: string; sessionToken?: string }>();
  private readonly secrets = new Map<string, SmSecret>();
  private readonly params = new Map<string, SsmParam>();
  private readonly certificates = new Map<string, AcmCertificate>();
  /** CodeArtifact domains as "owner/domain". */
  private readonly codeArtifactDomains = new Set<string>();
  /** CodeArtifact authorization tokens handed out, newest last. */
  readonly codeArtifactTokens: { token: string; domain: string; accessKeyId?: string; durationSeconds: number }[] = [];
  private readonly faults: { match: (r: AwsRecorded) => boolean; fault: AwsFault; remaining: number }[] = [];
  /** Actions no caller's policy allows: answered AccessDeniedException after the signature check. */
  private readonly denied = new Set<string>();
  private server!: http.Server;
  url = "";
  /** Validates a web identity token for AssumeRoleWithWebIdentity; returns false to reject. */
  webIdentityCheck: (token: string, roleArn: string) => boolean = () => true;

  constructor(readonly region = "us-east-1") {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => this.jsonError(res, 500, "InternalFailure", String(err)));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- setup ----

  addAccessKey(id: string, secret: string, sessionToken?: string): this {
    this.keys.set(id, { secret, sessionToken });
    return this;
  }

  addMfaDevice(serialNumber: string, check: (code: string) => boolean): this {
    this.mfaDevices.set(serialNumber, check);
    return this;
  }

  putSecretString(name: string, value: string, tags: Record<string, string> = {}, stages = ["AWSCURRENT"]): string {
    return this.putSecret(name, { string: value }, tags, stages);
  }

  putSecretBinary(name: string, value: Buffer, tags: Record<string, string> = {}): string {
    return this.putSecret(name, { binary: value }, tags, ["AWSCURRENT"]);
  }

  private putSecret(
    name: string,
    v: { string?: string; binary?: Buffer },
    tags: Record<string, string>,
    stages: string[],
  ) {
    let s = this.secrets.get(name);
    if (!s) {
      s = {
        name,
        arn: `arn:aws:secretsmanager:${this.region}:${ACCOUNT}:secret:${name}-AbCdEf`,
        versions: [],
        tags: {},
      };
      this.secrets.set(name, s);
    }
    Object.assign(s.tags, tags);
    const id = randomUUID();
    this.stageVersion(s, { id, stages: [], ...v, created: Date.now() / 1000 }, stages);
    return id;
  }

  private stageVersion(s: SmSecret, ver: SmVersion, stages: string[]) {
    if (stages.includes("AWSCURRENT")) {
      for (const o of s.versions) o.stages = o.stages.filter((x) => x !== "AWSPREVIOUS");
      for (const o of s.versions) {
        if (o.stages.includes("AWSCURRENT")) o.stages = [...o.stages.filter((x) => x !== "AWSCURRENT"), "AWSPREVIOUS"];
      }
    }
    for (const stage of stages) {
      if (stage === "AWSCURRENT") continue;
      for (const o of s.versions) o.stages = o.stages.filter((x) => x !== stage);
    }
    ver.stages = [...stages];
    s.versions.push(ver);
  }

  secret(name: string): SmSecret | undefined {
    return this.secrets.get(name);
  }

  putParameter(name: string, value: string, type = "String", tags: Record<string, string> = {}): this {
    let p = this.params.get(name);
    if (!p) {
      p = { name, type, versions: [], tags: {} };
      this.params.set(name, p);
    }
    Object.assign(p.tags, tags);
    p.versions.push({ version: p.versions.length + 1, value });
    return this;
  }

  /** Adds (or renews, when the ARN exists) an ACM certificate; returns its ARN. */
  putCertificate(cert: Omit<AcmCertificate, "arn"> & { arn?: string }): string {
    const arn = cert.arn ?? `arn:aws:acm:${this.region}:${ACCOUNT}:certificate/${randomUUID()}`;
    this.certificates.set(arn, { ...cert, arn });
    return arn;
  }

  parameter(name: string): SsmParam | undefined {
    return this.params.get(name);
  }

  addCodeArtifactDomain(domain: string, owner: string): this {
    this.codeArtifactDomains.add(`${owner}/${domain}`);
    return this;
  }

  fault(action: string, fault: AwsFault, times = 1): this {
    this.faults.push({ match: (r) => r.action === action, fault, remaining: times });
    return this;
  }

  /** Denies `action` to every caller (as an IAM policy without it would) until allow(action). */
  deny(action: string): this {
    this.denied.add(action);
    return this;
  }

  allow(action: string): this {
    this.denied.delete(action);
    return this;
  }

  /** Drops every queued fault. */
  clearFaults(): this {
    this.faults.length = 0;
    return this;
  }

  count(action: string): number {
    return this.requests.filter((r) => r.action === action).length;
  }

  // ---- protocol ----

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const target = String(req.headers["x-amz-target"] ?? "");
    let rec: AwsRecorded;
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname === "/v1/authorization-token") {
      if (req.method !== "POST") return this.jsonError(res, 405, "ValidationException", "method not allowed");
      rec = {
        service: "codeartifact",
        action: "GetAuthorizationToken",
        body: Object.fromEntries(url.searchParams),
        headers: req.headers,
      };
    } else if (target) {
      const [prefix, action] = target.split(".");
      const service =
        prefix === "secretsmanager"
          ? "secretsmanager"
          : prefix === "AmazonSSM"
            ? "ssm"
            : prefix === "AmazonEC2ContainerRegistry_V20150921"
              ? "ecr"
              : prefix === "SpencerFrontendService"
                ? "ecr-public"
                : prefix === "CertificateManager"
                  ? "acm"
                  : prefix === "ResourceGroupsTaggingAPI_20170126"
                    ? "tagging"
                    : undefined;
      if (!service || !action) return this.jsonError(res, 400, "UnknownOperationException", "unknown target");
      if (!String(req.headers["content-type"]).startsWith("application/x-amz-json-1.1")) {
        return this.jsonError(res, 400, "SerializationException", "expected application/x-amz-json-1.1");
      }
      rec = { service, action, body: raw ? JSON.parse(raw) : {}, headers: req.headers };
    } else {
      const form = new URLSearchParams(raw);
      const body: Record<string, string> = {};
      for (const [k, v] of form) body[k] = v;
      rec = { service: "sts", action: body.Action ?? "", body, headers: req.headers };
    }
    this.requests.push(rec);

    const f = this.faults.find((x) => x.remaining > 0 && x.match(rec));
    if (f) {
      f.remaining--;
      if (f.fault.hang) return;
      if (f.fault.delayMs) await new Promise((r) => setTimeout(r, f.fault.delayMs));
      if (f.fault.status)
        return this.error(rec, res, f.fault.status, f.fault.code ?? "InternalFailure", f.fault.message ?? "injected");
    }

    const unsigned = rec.service === "sts" && rec.action === "AssumeRoleWithWebIdentity";
    if (!unsigned) {
      const problem = this.checkSignature(rec);
      if (problem) return this.error(rec, res, problem.status, problem.code, problem.message);
    }
    if (this.denied.has(rec.action)) {
      const message = `User: arn:aws:iam::${ACCOUNT}:user/eso is not authorized to perform: ${rec.service}:${rec.action} because no identity-based policy allows the ${rec.service}:${rec.action} action`;
      return this.error(rec, res, 400, "AccessDeniedException", message);
    }
    if (rec.service === "sts") return this.sts(rec, res);
    if (rec.service === "ecr" || rec.service === "ecr-public") return this.ecr(rec, res);
    if (rec.service === "secretsmanager") return this.sm(rec, res);
    if (rec.service === "acm") return this.acm(rec, res);
    if (rec.service === "tagging") return this.tagging(rec, res);
    if (rec.service === "codeartifact") return this.codeArtifactToken(rec, res);
    return this.ssm(rec, res);
  }

  private checkSignature(rec: AwsRecorded): { status: number; code: string; message: string } | undefined {
    const auth = String(rec.headers.authorization ?? "");
    const m = SIGV4.exec(auth);
    if (!m) return { status: 400, code: "IncompleteSignature", message: "Authorization header is not SigV4" };
    const [, keyId, day, region, service, signed] = m;
    rec.accessKeyId = keyId;
    rec.region = region;
    const date = String(rec.headers["x-amz-date"] ?? "");
    if (!/^\d{8}T\d{6}Z$/.test(date) || date.slice(0, 8) !== day) {
      return {
        status: 400,
        code: "IncompleteSignature",
        message: "X-Amz-Date missing or outside the credential scope",
      };
    }
    if (service !== rec.service)
      return { status: 400, code: "InvalidSignatureException", message: `scope service ${service}` };
    if (region !== this.region)
      return { status: 400, code: "InvalidSignatureException", message: `scope region ${region}` };
    const signedHeaders = signed!.split(";");
    if (!signedHeaders.includes("host") || !signedHeaders.includes("x-amz-date")) {
      return { status: 400, code: "InvalidSignatureException", message: "host and x-amz-date must be signed" };
    }
    const key = this.keys.get(keyId!);
    if (!key)
      return {
        status: 400,
        code: rec.service === "sts" ? "InvalidClientTokenId" : "UnrecognizedClientException",
        message: "The security token included in the request is invalid.",
      };
    if (key.sessionToken && rec.headers["x-amz-security-token"] !== key.sessionToken) {
      return { status: 400, code: "UnrecognizedClientException", message: "session token mismatch" };
    }
    return undefined;
  }

  private error(rec: AwsRecorded, res: ServerResponse, status: number, code: string, message: string) {
    if (rec.service === "sts") {
      res.writeHead(status, { "Content-Type": "text/xml" });
      res.end(
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
      return;
    }
    this.jsonError(res, status, code, message);
  }

  private jsonError(res: ServerResponse, status: number, code: string, message: string) {
    res.writeHead(status, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": randomUUID() });
    res.end(JSON.stringify({ __type: code, message }));
  }

  private ok(res: ServerResponse, body: unknown) {
    res.writeHead(200, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": randomUUID() });
    res.end(JSON.stringify(body));
  }

  // ---- CodeArtifact ----

  private codeArtifactToken(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body as Record<string, string>;
    if (!b.domain) return this.jsonError(res, 400, "ValidationException", "domain is required");
    const duration = b.duration === undefined ? 43_200 : Number(b.duration);
    if (!Number.isInteger(duration) || (duration !== 0 && (duration < 900 || duration > 43_200))) {
      return this.jsonError(res, 400, "ValidationException", "durationSeconds must be 0 or between 900 and 43200");
    }
    const owner = b["domain-owner"] ?? ACCOUNT;
    if (!this.codeArtifactDomains.has(`${owner}/${b.domain}`)) {
      return this.jsonError(res, 404, "ResourceNotFoundException", `Domain ${b.domain} not found in account ${owner}`);
    }
    // Duration 0 follows the caller's temporary credentials; the fake gives those an hour.
    const lifetime = duration === 0 ? 3600 : duration;
    const token = `eyJ2ZXIiOjEsImlzdSI6${randomUUID().replaceAll("-", "")}`;
    this.codeArtifactTokens.push({ token, domain: b.domain, accessKeyId: rec.accessKeyId, durationSeconds: lifetime });
    this.ok(res, { authorizationToken: token, expiration: Math.floor(Date.now() / 1000) + lifetime });
  }

  // ---- STS ----

  private sts(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body as Record<string, string>;
    if (rec.action === "GetSessionToken") return this.getSessionToken(rec, res);
    if (rec.action !== "AssumeRole" && rec.action !== "AssumeRoleWithWebIdentity") {
      return this.error(rec, res, 400, "InvalidAction", "unsupported action");
    }
    if (!b.RoleArn || !b.RoleSessionName)
      return this.error(rec, res, 400, "ValidationError", "RoleArn and RoleSessionName are required");
    const session: AssumedSession = {
      roleArn: b.RoleArn,
      sessionName: b.RoleSessionName,
      externalId: b.ExternalId,
      tags: {},
      transitiveTagKeys: [],
      sourceAccessKeyId: rec.accessKeyId,
      durationSeconds: b.DurationSeconds === undefined ? 3600 : Number(b.DurationSeconds),
    };
    if (!(session.durationSeconds >= 900 && session.durationSeconds <= 43_200)) {
      return this.error(rec, res, 400, "ValidationError", "DurationSeconds must be between 900 and 43200");
    }
    for (let i = 1; b[`Tags.member.${i}.Key`] !== undefined; i++)
      session.tags[b[`Tags.member.${i}.Key`]!] = b[`Tags.member.${i}.Value`] ?? "";
    for (let i = 1; b[`TransitiveTagKeys.member.${i}`] !== undefined; i++)
      session.transitiveTagKeys.push(b[`TransitiveTagKeys.member.${i}`]!);
    if (rec.action === "AssumeRoleWithWebIdentity") {
      session.webIdentityToken = b.WebIdentityToken;
      if (!b.WebIdentityToken || !this.webIdentityCheck(b.WebIdentityToken, b.RoleArn)) {
        return this.error(
          rec,
          res,
          400,
          "InvalidIdentityToken",
          "Couldn't retrieve verification key from your identity provider",
        );
      }
    }
    this.sessions.push(session);
    const id = `ASIA${randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}`;
    const secret = randomUUID();
    const token = `FwoGZXIvYXdzE${randomUUID()}`;
    this.addAccessKey(id, secret, token);
    const expiration = new Date(Date.now() + session.durationSeconds * 1000).toISOString();
    const result = `${rec.action}Result`;
    res.writeHead(200, { "Content-Type": "text/xml" });
    res.end(
      `<${rec.action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${result}>` +
        `<Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey>` +
        `<SessionToken>${token}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>${b.RoleArn}/${b.RoleSessionName}</Arn><AssumedRoleId>AROA:${b.RoleSessionName}</AssumedRoleId></AssumedRoleUser>` +
        `</${result}><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${rec.action}Response>`,
    );
  }

  /** As STS answers an IAM user: temporary keys for DurationSeconds (900..129600, default 43200). */
  private getSessionToken(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body as Record<string, string>;
    const source = this.keys.get(rec.accessKeyId!);
    if (source?.sessionToken) {
      return this.error(rec, res, 403, "AccessDenied", "Cannot call GetSessionToken with session credentials");
    }
    const duration = b.DurationSeconds === undefined ? 43_200 : Number(b.DurationSeconds);
    if (!Number.isInteger(duration) || duration < 900 || duration > 129_600) {
      return this.error(
        rec,
        res,
        400,
        "ValidationError",
        `1 validation error detected: Value '${b.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600`,
      );
    }
    if (b.SerialNumber !== undefined) {
      const check = this.mfaDevices.get(b.SerialNumber);
      if (!check || !b.TokenCode || !check(b.TokenCode)) {
        return this.error(
          rec,
          res,
          403,
          "AccessDenied",
          "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        );
      }
    }
    const id = `ASIA${randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}`;
    const secret = randomUUID();
    const token = `IQoJb3JpZ2luX2Vj${randomUUID()}`;
    this.addAccessKey(id, secret, token);
    this.sessionTokens.push({
      sourceAccessKeyId: rec.accessKeyId!,
      accessKeyId: id,
      durationSeconds: duration,
      ...(b.SerialNumber !== undefined ? { serialNumber: b.SerialNumber } : {}),
    });
    const expiration = new Date(Date.now() + duration * 1000).toISOString();
    res.writeHead(200, { "Content-Type": "text/xml" });
    res.end(
      `<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>` +
        `<Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey>` +
        `<SessionToken>${token}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `</GetSessionTokenResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetSessionTokenResponse>`,
    );
  }

  // ---- Secrets Manager ----

  /** The secret named (or ARN'd) `id`, including one scheduled for deletion; undefined once purged. */
  private findSecret(id: string | undefined): SmSecret | undefined {
    if (!id) return undefined;
    const s = this.secrets.get(id) ?? [...this.secrets.values()].find((x) => x.arn === id);
    return s && !s.purged ? s : undefined;
  }

  private secretValueEntry(s: SmSecret, v: SmVersion) {
    return {
      ARN: s.arn,
      Name: s.name,
      VersionId: v.id,
      VersionStages: v.stages,
      CreatedDate: v.created,
      ...(v.string !== undefined ? { SecretString: v.string } : {}),
      ...(v.binary !== undefined ? { SecretBinary: v.binary.toString("base64") } : {}),
    };
  }

  private matchFilters(s: SmSecret, filters: { Key: string; Values: string[] }[] | undefined): boolean {
    for (const f of filters ?? []) {
      const vals = f.Values ?? [];
      const ok = vals.some((v) => {
        switch (f.Key) {
          case "name":
            return s.name.startsWith(v);
          case "tag-key":
            return Object.keys(s.tags).some((k) => k.startsWith(v));
          case "tag-value":
            return Object.values(s.tags).some((x) => x.startsWith(v));
          case "all":
            return s.name.includes(v);
          default:
            return false;
        }
      });
      if (!ok) return false;
    }
    return true;
  }

  private page<T>(items: T[], token: string | undefined, size: number): { page: T[]; next?: string } {
    const start = token ? Number(token) : 0;
    const page = items.slice(start, start + size);
    return { page, next: start + size < items.length ? String(start + size) : undefined };
  }

  private sm(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body;
    const notFound = () =>
      this.jsonError(res, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    // As AWS (and moto) answer any operation but Describe/Restore on a secret scheduled for deletion.
    const markedDeleted = () =>
      this.jsonError(
        res,
        400,
        "InvalidRequestException",
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    const current = (s: SmSecret) => s.versions.find((v) => v.stages.includes("AWSCURRENT"));
    switch (rec.action) {
      case "GetSecretValue": {
        const s = this.findSecret(b.SecretId);
        if (!s) return notFound();
        if (s.deleted) return markedDeleted();
        const v = b.VersionId
          ? s.versions.find((x) => x.id === b.VersionId)
          : s.versions.find((x) => x.stages.includes(b.VersionStage ?? "AWSCURRENT"));
        if (!v) {
          const label = b.VersionId ? `VersionId: ${b.VersionId}` : `staging label: ${b.VersionStage ?? "AWSCURRENT"}`;
          return this.jsonError(
            res,
            400,
            "ResourceNotFoundException",
            `Secrets Manager can't find the specified secret value for ${label}`,
          );
        }
        return this.ok(res, this.secretValueEntry(s, v));
      }
      case "DescribeSecret": {
        const s = this.findSecret(b.SecretId);
        if (!s) return notFound();
        const stages: Record<string, string[]> = {};
        for (const v of s.versions) stages[v.id] = v.stages;
        return this.ok(res, {
          ARN: s.arn,
          Name: s.name,
          Description: s.description,
          Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
          VersionIdsToStages: stages,
          ...(s.deleted ? { DeletedDate: Date.now() / 1000 } : {}),
        });
      }
      case "ListSecrets": {
        const all = [...this.secrets.values()].filter(
          (s) => !s.deleted && !s.purged && this.matchFilters(s, b.Filters),
        );
        const { page, next } = this.page(all, b.NextToken, 2);
        return this.ok(res, {
          SecretList: page.map((s) => ({
            ARN: s.arn,
            Name: s.name,
            Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
          })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case "BatchGetSecretValue": {
        const all = b.SecretIdList
          ? (b.SecretIdList as string[])
              .map((id) => this.findSecret(id))
              .filter((s): s is SmSecret => !!s && !s.deleted && !!current(s))
          : [...this.secrets.values()].filter(
              (s) => !s.deleted && !s.purged && !!current(s) && this.matchFilters(s, b.Filters),
            );
        // A SecretIdList (at most 20 ids) is answered whole; MaxResults and paging apply to Filters only.
        const { page, next } = b.SecretIdList ? { page: all, next: undefined } : this.page(all, b.NextToken, 2);
        return this.ok(res, {
          SecretValues: page.map((s) => this.secretValueEntry(s, current(s)!)),
          Errors: [],
          ...(next ? { NextToken: next } : {}),
        });
      }
      case "CreateSecret": {
        const existing = this.findSecret(b.Name);
        if (existing?.deleted) {
          return this.jsonError(
            res,
            400,
            "InvalidRequestException",
            "You can't create this secret because a secret with this name is already scheduled for deletion.",
          );
        }
        if (existing) return this.jsonError(res, 400, "ResourceExistsException", "the secret already exists");
        this.secrets.delete(b.Name);
        const tags: Record<string, string> = {};
        for (const t of b.Tags ?? []) tags[t.Key] = t.Value;
        const hasValue = b.SecretString !== undefined || b.SecretBinary !== undefined;
        // A secret created without a value has no version (GetSecretValue: not found) until one is put.
        const id = this.putSecret(
          b.Name,
          b.SecretString !== undefined
            ? { string: b.SecretString }
            : { binary: Buffer.from(b.SecretBinary ?? "", "base64") },
          tags,
          ["AWSCURRENT"],
        );
        const s = this.secrets.get(b.Name)!;
        if (!hasValue) s.versions.length = 0;
        s.description = b.Description;
        if (b.ClientRequestToken && hasValue) s.versions.at(-1)!.id = b.ClientRequestToken;
        const versionId = hasValue ? (b.ClientRequestToken ?? id) : undefined;
        return this.ok(res, { ARN: s.arn, Name: s.name, ...(versionId ? { VersionId: versionId } : {}) });
      }
      case "PutSecretValue": {
        const s = this.findSecret(b.SecretId);
        if (!s) return notFound();
        if (s.deleted) return markedDeleted();
        const id = b.ClientRequestToken ?? randomUUID();
        this.stageVersion(
          s,
          {
            id,
            stages: [],
            created: Date.now() / 1000,
            ...(b.SecretString !== undefined
              ? { string: b.SecretString }
              : { binary: Buffer.from(b.SecretBinary ?? "", "base64") }),
          },
          b.VersionStages ?? ["AWSCURRENT"],
        );
        return this.ok(res, { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: ["AWSCURRENT"] });
      }
      case "TagResource": {
        const s = this.findSecret(b.SecretId);
        if (!s) return notFound();
        if (s.deleted) return markedDeleted();
        for (const t of b.Tags ?? []) s.tags[t.Key] = t.Value;
        return this.ok(res, {});
      }
      case "UntagResource": {
        const s = this.findSecret(b.SecretId);
        if (!s) return notFound();
        if (s.deleted) return markedDeleted();
        for (const k of b.TagKeys ?? []) delete s.tags[k];
        return this.ok(res, {});
      }
      case "DeleteSecret": {
        const s = this.findSecret(b.SecretId);
        if (!s) return notFound();
        if (b.ForceDeleteWithoutRecovery && b.RecoveryWindowInDays) {
          return this.jsonError(res, 400, "InvalidParameterException", "conflicting deletion parameters");
        }
        if (s.deleted && !b.ForceDeleteWithoutRecovery) return markedDeleted();
        s.deleted = true;
        if (b.ForceDeleteWithoutRecovery) s.purged = true;
        return this.ok(res, { ARN: s.arn, Name: s.name, DeletionDate: Date.now() / 1000 });
      }
      default:
        return this.jsonError(res, 400, "UnknownOperationException", rec.action);
    }
  }

  // ---- ECR / ECR Public ----

  /** Registry passwords handed out by GetAuthorizationToken, newest last. */
  readonly ecrPasswords: string[] = [];

  private ecr(rec: AwsRecorded, res: ServerResponse) {
    if (rec.action !== "GetAuthorizationToken")
      return this.jsonError(res, 400, "UnknownOperationException", rec.action);
    const password = `ecr-${randomUUID()}`;
    this.ecrPasswords.push(password);
    const authorizationToken = Buffer.from(`AWS:${password}`).toString("base64");
    const expiresAt = Math.floor(Date.now() / 1000) + 12 * 3600;
    if (rec.service === "ecr-public") return this.ok(res, { authorizationData: { authorizationToken, expiresAt } });
    return this.ok(res, {
      authorizationData: [
        { authorizationToken, expiresAt, proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${this.region}.amazonaws.com` },
      ],
    });
  }

  // ---- ACM ----

  certificate(arn: string): AcmCertificate | undefined {
    return this.certificates.get(arn);
  }

  certificateArns(): string[] {
    return [...this.certificates.keys()];
  }

  /** Deletes a certificate behind the client's back. */
  dropCertificate(arn: string): void {
    this.certificates.delete(arn);
  }

  /** GetResources answers this many resources a page (to exercise PaginationToken). */
  taggingPageSize = 100;

  private tagging(rec: AwsRecorded, res: ServerResponse) {
    if (rec.action !== "GetResources") return this.jsonError(res, 400, "UnknownOperationException", rec.action);
    const b = rec.body;
    const types: string[] = b.ResourceTypeFilters ?? [];
    const filters: { Key: string; Values?: string[] }[] = b.TagFilters ?? [];
    const matching = [...this.certificates.values()].filter(
      (c) =>
        (types.length === 0 || types.includes("acm:certificate") || types.includes("acm")) &&
        filters.every((f) => {
          const v = c.tags?.[f.Key];
          return v !== undefined && (!f.Values?.length || f.Values.includes(v));
        }),
    );
    const start = Number(b.PaginationToken ?? 0);
    const page = matching.slice(start, start + this.taggingPageSize);
    const next = start + page.length < matching.length ? String(start + page.length) : "";
    return this.ok(res, {
      PaginationToken: next,
      ResourceTagMappingList: page.map((c) => ({
        ResourceARN: c.arn,
        Tags: Object.entries(c.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      })),
    });
  }

  private importCertificate(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body;
    const text = (v: unknown) => Buffer.from(String(v ?? ""), "base64").toString("utf8");
    const certificatePem = text(b.Certificate);
    const privateKeyPem = text(b.PrivateKey);
    const chainPem = b.CertificateChain === undefined ? "" : text(b.CertificateChain);
    try {
      if (!new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem))) throw new Error();
    } catch {
      return this.jsonError(res, 400, "ValidationException", "The certificate and the private key do not match.");
    }
    const arn = b.CertificateArn === undefined ? undefined : String(b.CertificateArn);
    if (arn !== undefined) {
      const c = this.certificates.get(arn);
      if (!c) return this.jsonError(res, 400, "ResourceNotFoundException", `Could not find certificate ${arn}.`);
      if (b.Tags?.length) {
        return this.jsonError(
          res,
          400,
          "ValidationException",
          "Tags cannot be applied when reimporting a certificate.",
        );
      }
      Object.assign(c, { certificatePem, chainPem, privateKeyPem });
      return this.ok(res, { CertificateArn: arn });
    }
    const tags: Record<string, string> = {};
    for (const t of b.Tags ?? []) tags[t.Key] = t.Value ?? "";
    const created = this.putCertificate({ certificatePem, chainPem, privateKeyPem, exportable: false });
    Object.assign(this.certificates.get(created)!, { tags, imported: true });
    return this.ok(res, { CertificateArn: created });
  }

  private acm(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body;
    if (rec.action === "ImportCertificate") return this.importCertificate(rec, res);
    const c = this.certificates.get(String(b.CertificateArn ?? ""));
    if (!c) {
      return this.jsonError(res, 400, "ResourceNotFoundException", `Could not find certificate ${b.CertificateArn}.`);
    }
    switch (rec.action) {
      case "GetCertificate":
        // ACM answers the chain with the certificate itself when none was imported.
        return this.ok(res, { Certificate: c.certificatePem, CertificateChain: c.chainPem || c.certificatePem });
      case "DescribeCertificate":
        return this.ok(res, {
          Certificate: {
            CertificateArn: c.arn,
            Status: "ISSUED",
            Type: "AMAZON_ISSUED",
            Options: { Export: c.exportable ? "ENABLED" : "DISABLED" },
          },
        });
      case "ExportCertificate": {
        if (!c.exportable) {
          return this.jsonError(res, 400, "ValidationException", `Certificate ${c.arn} is not exportable.`);
        }
        const passphrase = Buffer.from(String(b.Passphrase ?? ""), "base64").toString("latin1");
        if (passphrase.length < 4 || /[#$%]/.test(passphrase)) {
          return this.jsonError(res, 400, "ValidationException", "Passphrase is invalid.");
        }
        const encrypted = createPrivateKey(c.privateKeyPem)
          .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase })
          .toString();
        return this.ok(res, { Certificate: c.certificatePem, CertificateChain: c.chainPem, PrivateKey: encrypted });
      }
      case "ListTagsForCertificate":
        return this.ok(res, { Tags: Object.entries(c.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) });
      case "AddTagsToCertificate":
        c.tags ??= {};
        for (const t of b.Tags ?? []) c.tags[t.Key] = t.Value ?? "";
        return this.ok(res, {});
      case "RemoveTagsFromCertificate":
        for (const t of b.Tags ?? []) {
          if (c.tags && (t.Value === undefined || c.tags[t.Key] === t.Value)) delete c.tags[t.Key];
        }
        return this.ok(res, {});
      case "DeleteCertificate":
        this.certificates.delete(c.arn);
        return this.ok(res, {});
      default:
        return this.jsonError(res, 400, "UnknownOperationException", rec.action);
    }
  }

  // ---- SSM ----

  private ssm(rec: AwsRecorded, res: ServerResponse) {
    const b = rec.body;
    const notFound = (code = "ParameterNotFound") => this.jsonError(res, 400, code, "");
    const paramOut = (p: SsmParam, v: { version: number; value: string }, decrypt: boolean) => ({
      Name: p.name,
      Type: p.type,
      Value: p.type === "SecureString" && !decrypt ? "sensitive" : v.value,
      Version: v.version,
      ARN: `arn:aws:ssm:${this.region}:${ACCOUNT}:parameter${p.name.startsWith("/") ? "" : "/"}${p.name}`,
      DataType: "text",
    });
    const split = (name: string) => {
      const m = /^(.*):(\d+)$/.exec(name);
      return m ? { name: m[1]!, version: Number(m[2]) } : { name, version: undefined };
    };
    switch (rec.action) {
      case "GetParameter": {
        const { name, version } = split(String(b.Name ?? ""));
        const p = this.params.get(name);
        if (!p) return notFound();
        const v = version ? p.versions.find((x) => x.version === version) : p.versions.at(-1);
        if (!v) return notFound("ParameterVersionNotFound");
        return this.ok(res, { Parameter: paramOut(p, v, b.WithDecryption === true) });
      }
      case "GetParametersByPath": {
        const path = String(b.Path ?? "/");
        const prefix = path.endsWith("/") ? path : `${path}/`;
        const all = [...this.params.values()].filter((p) => {
          if (!p.name.startsWith(prefix) && path !== "/") return false;
          const rest = p.name.slice(prefix.length);
          return b.Recursive === true || !rest.includes("/");
        });
        const { page, next } = this.page(all, b.NextToken, 2);
        return this.ok(res, {
          Parameters: page.map((p) => paramOut(p, p.versions.at(-1)!, b.WithDecryption === true)),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case "DescribeParameters": {
        const all = [...this.params.values()].filter((p) =>
          (b.ParameterFilters ?? []).every((f: { Key: string; Values: string[] }) => {
            if (f.Key.startsWith("tag:")) return f.Values.includes(p.tags[f.Key.slice(4)] ?? "\u0000");
            if (f.Key === "Path") return f.Values.some((v) => p.name.startsWith(v.endsWith("/") ? v : `${v}/`));
            return true;
          }),
        );
        const { page, next } = this.page(all, b.NextToken, 2);
        return this.ok(res, {
          Parameters: page.map((p) => ({ Name: p.name, Type: p.type })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case "PutParameter": {
        const existing = this.params.get(b.Name);
        if (existing && !b.Overwrite) return this.jsonError(res, 400, "ParameterAlreadyExists", "");
        if (existing && b.Tags?.length)
          return this.jsonError(res, 400, "ValidationException", "tags and overwrite cannot both be used");
        const tags: Record<string, string> = {};
        for (const t of b.Tags ?? []) tags[t.Key] = t.Value;
        this.putParameter(b.Name, b.Value, b.Type ?? existing?.type ?? "String", tags);
        const p = this.params.get(b.Name)!;
        p.description = b.Description;
        return this.ok(res, { Version: p.versions.length, Tier: b.Tier ?? "Standard" });
      }
      case "DeleteParameter":
        if (!this.params.delete(b.Name)) return notFound();
        return this.ok(res, {});
      case "AddTagsToResource":
      case "RemoveTagsFromResource":
      case "ListTagsForResource": {
        const p = this.params.get(split(String(b.ResourceId ?? "")).name);
        if (b.ResourceType !== "Parameter") return this.jsonError(res, 400, "InvalidResourceType", "");
        if (!p) return this.jsonError(res, 400, "InvalidResourceId", "");
        if (rec.action === "AddTagsToResource") for (const t of b.Tags ?? []) p.tags[t.Key] = t.Value;
        if (rec.action === "RemoveTagsFromResource") for (const k of b.TagKeys ?? []) delete p.tags[k];
        if (rec.action === "ListTagsForResource") {
          return this.ok(res, { TagList: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })) });
        }
        return this.ok(res, {});
      }
      default:
        return this.jsonError(res, 400, "UnknownOperationException", rec.action);
    }
  }
}
