/**
 * Response bodies read with a size cap: a provider or webhook endpoint that answers with an endless or huge
 * body fails the call once the cap is passed (the connection is closed at once) instead of growing the
 * operator's memory until it dies. The error names the cap and what was being read ("webhook response",
 * "vault response", ...), never body text.
 */
import type { IncomingMessage } from "node:http";

/** Default cap on one response body: far above any secret manager's documented value size. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`${what} exceeds the ${formatBytes(limit)} size cap`);
  }
}

export function formatBytes(n: number): string {
  const MiB = 1024 * 1024;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function declaredLength(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Collects chunks up to `limit` bytes; `push` throws ResponseTooLargeError once they exceed it. One per body.
 */
export class BoundedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    readonly limit: number,
    readonly what: string,
  ) {}

  /** Fails early on a Content-Length already over the cap. */
  checkDeclared(contentLength: string | null | undefined): void {
    const n = declaredLength(contentLength);
    if (n !== undefined && n > this.limit) throw new ResponseTooLargeError(this.what, this.limit);
  }

  push(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.limit) throw new ResponseTooLargeError(this.what, this.limit);
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  result(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/**
 * Reads a node:http response into a Buffer, at most `limit` bytes. Past the cap the response (and so its
 * socket) is destroyed and the promise rejects with ResponseTooLargeError.
 */
export function readBoundedMessage(res: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const body = new BoundedBuffer(limit, what);
    let settled = false;
    const settle = (err: unknown, value?: Buffer) => {
      if (settled) return;
      settled = true;
      if (err === undefined) resolve(value!);
      else reject(err);
    };
    const tooLarge = (err: unknown) => {
      settle(err); // first: destroying the response emits its own "aborted" and "error"
      res.removeAllListeners("data");
      res.destroy();
    };
    try {
      body.checkDeclared(res.headers["content-length"]);
    } catch (err) {
      tooLarge(err);
      return;
    }
    res.on("data", (c: Buffer) => {
      try {
        body.push(c);
      } catch (err) {
        tooLarge(err);
      }
    });
    res.on("error", (err) => settle(err));
    res.on("aborted", () => settle(new Error(`${what}: connection closed before the response ended`)));
    res.on("end", () => settle(undefined, body.result()));
  });
}

/**
 * Reads a fetch Response body into a Buffer, at most `limit` bytes; past the cap the body stream is cancelled
 * (closing the connection) and ResponseTooLargeError is thrown.
 */
export async function readBoundedResponse(res: Response, limit: number, what: string): Promise<Buffer> {
  const body = new BoundedBuffer(limit, what);
  if (!res.body) return Buffer.alloc(0);
  try {
    body.checkDeclared(res.headers.get("content-length"));
  } catch (err) {
    await res.body.cancel().catch(() => {});
    throw err;
  }
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return body.result();
    try {
      body.push(value);
    } catch (err) {
      await reader.cancel().catch(() => {});
      throw err;
    }
  }
}

/** A fetch Response body as text, capped. */
export async function boundedText(res: Response, limit: number, what: string): Promise<string> {
  return (await readBoundedResponse(res, limit, what)).toString("utf8");
}

/** A fetch Response body parsed as JSON, capped; a body that is not JSON throws a SyntaxError. */
export async function boundedJson<T = unknown>(res: Response, limit: number, what: string): Promise<T> {
  return JSON.parse(await boundedText(res, limit, what)) as T;
}

/**
 * The same Response with its body read under the cap: for clients (SDK transports) that read the body
 * themselves. Bodies over the cap throw ResponseTooLargeError before the caller sees the Response.
 */
export async function boundedResponse(res: Response, limit: number, what: string): Promise<Response> {
  const body = await readBoundedResponse(res, limit, what);
  const nullBody = res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200);
  return new Response(nullBody ? null : new Uint8Array(body), {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

/** Reads a Node.js stream (e.g. an SDK's response stream) under the cap; past it the stream is destroyed. */
export async function readBoundedStream(
  stream: AsyncIterable<Uint8Array | string> & { destroy?(error?: Error): unknown },
  limit: number,
  what: string,
): Promise<Buffer> {
  const body = new BoundedBuffer(limit, what);
  for await (const chunk of stream) {
    try {
      body.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    } catch (err) {
      stream.destroy?.();
      throw err;
    }
  }
  return body.result();
}
