/**
 * The Nebius gRPC calls this provider makes, on @grpc/grpc-js (loaded on first use): PayloadService.Get and
 * GetByKey (nebius.mysterybox.v1) and TokenExchangeService.Exchange (nebius.iam.v1). Nebius documents no REST form
 * of these services. Channels are TLS only, kept per address and CA in the provider caches, and answers are
 * capped in size; each call carries a deadline and follows the caller's abort signal.
 */
import { createHash } from "node:crypto";
import type * as Grpc from "@grpc/grpc-js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import type { CacheKey } from "../provider.js";
import { PAYLOAD_SERVICE, type ServiceTarget, serviceTarget, TOKEN_EXCHANGE_SERVICE } from "./endpoints.js";
import { decodeSecretPayload, decodeTokenResponse, encodeStrings, type PayloadEntry } from "./wire.js";

type GrpcModule = typeof Grpc;

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_CHANNELS = 128;

/** gRPC clients per (address, TLS name, CA); closed when evicted or when the caches are cleared. */
export class NebiusChannels {
  private readonly clients = new Map<string, Grpc.Client>();

  get(grpc: GrpcModule, target: ServiceTarget, ca: string | undefined): Grpc.Client {
    const caHash = ca ? createHash("sha256").update(ca).digest("hex") : "";
    const key = `${target.address}\0${target.host}\0${caHash}`;
    const hit = this.clients.get(key);
    if (hit) return hit;
    if (this.clients.size >= MAX_CHANNELS) {
      const [oldestKey, oldest] = this.clients.entries().next().value as [string, Grpc.Client];
      this.clients.delete(oldestKey);
      oldest.close();
    }
    const client = new grpc.Client(target.address, grpc.credentials.createSsl(ca ? Buffer.from(ca) : null), {
      "grpc.ssl_target_name_override": target.host,
      "grpc.default_authority": target.host,
      "grpc.max_receive_message_length": MAX_RESPONSE_BYTES,
      "grpc.keepalive_time_ms": 30_000,
      "grpc.keepalive_timeout_ms": 5_000,
    });
    this.clients.set(key, client);
    return client;
  }

  closeAll(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

export const NEBIUS_CHANNELS: CacheKey<NebiusChannels> = {
  name: "nebius-grpc-channels",
  create: () => new NebiusChannels(),
  dispose: (v) => v.closeAll(),
};

/** A gRPC failure as a provider error: the status code name and the operation, never the server's details. */
export class NebiusGrpcError extends Error {
  override readonly name = "NebiusGrpcError";
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export function grpcError(grpc: GrpcModule, what: string, err: Grpc.ServiceError): Error {
  const name = grpc.status[err.code] ?? String(err.code);
  const msg = `nebius mysterybox: ${what}: ${name}`;
  switch (err.code) {
    case grpc.status.NOT_FOUND:
      return new NoSecretError(`${msg} (not found)`);
    case grpc.status.UNAUTHENTICATED:
    case grpc.status.PERMISSION_DENIED:
      return new ProviderAuthError(`${msg}: authentication failed`);
    case grpc.status.RESOURCE_EXHAUSTED:
      return new ProviderThrottledError(`${msg}: rate limited`);
    default:
      return new NebiusGrpcError(msg, err.code);
  }
}

export interface NebiusCallOptions {
  grpc: GrpcModule;
  channels: NebiusChannels;
  apiDomain: string;
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

function unary<T>(
  o: NebiusCallOptions,
  service: string,
  method: string,
  request: Buffer,
  decode: (b: Buffer) => T,
  what: string,
  bearer?: string,
): Promise<T> {
  const { grpc } = o;
  const client = o.channels.get(grpc, serviceTarget(service, o.apiDomain), o.ca);
  const metadata = new grpc.Metadata();
  if (bearer) metadata.set("authorization", `Bearer ${bearer}`);
  return new Promise<T>((resolve, reject) => {
    if (o.signal?.aborted) return reject(new Error(`nebius mysterybox: ${what}: aborted`));
    let decodeFailure: Error | undefined;
    const call = client.makeUnaryRequest<Buffer, T | undefined>(
      method,
      (b) => b,
      (b) => {
        try {
          return decode(b);
        } catch {
          decodeFailure = new Error(`nebius mysterybox: ${what}: malformed response`);
          return undefined;
        }
      },
      request,
      metadata,
      { deadline: Date.now() + o.timeoutMs },
      (err, value) => {
        o.signal?.removeEventListener("abort", onAbort);
        if (err) return reject(grpcError(grpc, what, err));
        if (decodeFailure || value === undefined)
          return reject(decodeFailure ?? new Error(`nebius mysterybox: ${what}: empty response`));
        resolve(value);
      },
    );
    const onAbort = () => call.cancel();
    o.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface SecretPayload {
  versionId: string;
  entries: PayloadEntry[];
}

export function getPayload(o: NebiusCallOptions, token: string, secretId: string, versionId: string, what: string) {
  return unary(
    o,
    PAYLOAD_SERVICE,
    "/nebius.mysterybox.v1.PayloadService/Get",
    encodeStrings([
      [1, secretId],
      [2, versionId],
    ]),
    decodeSecretPayload,
    what,
    token,
  );
}

export async function getPayloadByKey(
  o: NebiusCallOptions,
  token: string,
  secretId: string,
  versionId: string,
  key: string,
  what: string,
): Promise<PayloadEntry> {
  const res = await unary(
    o,
    PAYLOAD_SERVICE,
    "/nebius.mysterybox.v1.PayloadService/GetByKey",
    encodeStrings([
      [1, secretId],
      [2, versionId],
      [3, key],
    ]),
    decodeSecretPayload,
    what,
    token,
  );
  const entry = res.entries[0];
  if (!entry) throw new Error(`nebius mysterybox: ${what}: received no data`);
  if (entry.stringValue === undefined && entry.binaryValue === undefined) {
    throw new Error(`nebius mysterybox: ${what}: payload type not supported`);
  }
  return entry;
}

/** RFC 8693 token exchange of a self-signed service-account JWT for an IAM access token. */
export async function exchangeToken(o: NebiusCallOptions, jwt: string): Promise<{ token: string; expiresIn: number }> {
  const what = "exchange service account credentials for an IAM token";
  const res = await unary(
    o,
    TOKEN_EXCHANGE_SERVICE,
    "/nebius.iam.v1.TokenExchangeService/Exchange",
    encodeStrings([
      [1, "urn:ietf:params:oauth:grant-type:token-exchange"],
      [2, "urn:ietf:params:oauth:token-type:access_token"],
      [3, jwt],
      [4, "urn:ietf:params:oauth:token-type:jwt"],
    ]),
    decodeTokenResponse,
    what,
  );
  if (!res.accessToken) throw new ProviderAuthError(`nebius mysterybox: ${what}: no token issued`);
  return { token: res.accessToken, expiresIn: res.expiresIn };
}
