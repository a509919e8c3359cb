/**
 * Loopback HTTP(S) endpoint for the webhook provider: routes answer JSON or text, every request is recorded
 * (method, URL, headers, body), and faults, delays and TLS with a self-signed CA can be injected.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type FakeRequest, startFakeServer } from "../support/fake-server.js";
import { selfSignedCert } from "./azurekv-server.js";
import {
  type AuthenticateCheck,
  challengeMessage,
  isNegotiate,
  type NtlmAccount,
  verifyAuthenticate,
} from "./ntlm-server-side.js";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface WebhookReply {
  status?: number;
  json?: unknown;
  text?: string;
  delayMs?: number;
}

export interface WebhookFake {
  url: string;
  /** PEM of the self-signed CA when started with TLS. */
  caPem?: string;
  /** pathname -> reply (or a function of the request). */
  routes: Map<string, WebhookReply | ((req: RecordedRequest) => WebhookReply)>;
  faults: number[];
  requests: RecordedRequest[];
  /** With `ntlm`: the result of every AUTHENTICATE message checked. */
  ntlmChecks: AuthenticateCheck[];
  close(): Promise<void>;
}

export interface WebhookFakeOptions {
  tls?: boolean;
  /**
   * Require NTLM, as IIS does: a connection is served only once it has authenticated with an NTLMv2 response
   * made from the account's password. `scheme` is what WWW-Authenticate offers (default NTLM); `challengeFlags`
   * overrides the CHALLENGE's flags.
   */
  ntlm?: NtlmAccount & { scheme?: "NTLM" | "Negotiate"; challengeFlags?: number };
  /** Require HTTP Basic with these credentials (a server that offers no NTLM). */
  basic?: { user: string; password: string };
}

interface ConnectionState {
  challenge?: Buffer;
  authenticated: boolean;
}

function refuse(res: ServerResponse, offer: string): void {
  res.writeHead(401, { "content-type": "text/plain", "www-authenticate": offer });
  res.end("401 Unauthorized");
}

/** Answers the NTLM handshake on this connection; true once the connection has authenticated. */
function ntlmGate(
  opts: NonNullable<WebhookFakeOptions["ntlm"]>,
  conns: WeakMap<Socket, ConnectionState>,
  checks: AuthenticateCheck[],
  req: FakeRequest,
  res: ServerResponse,
): boolean {
  const scheme = opts.scheme ?? "NTLM";
  // NTLM authenticates the connection: state is kept per socket.
  const socket = res.socket as Socket;
  const st = conns.get(socket) ?? { authenticated: false };
  conns.set(socket, st);
  if (st.authenticated) return true;
  const [name, data] = (req.headers.authorization ?? "").split(" ", 2);
  if (name === scheme && data) {
    const msg = Buffer.from(data, "base64");
    if (isNegotiate(msg)) {
      const c = challengeMessage(opts.domain, { flags: opts.challengeFlags });
      st.challenge = c.challenge;
      refuse(res, `${scheme} ${c.msg.toString("base64")}`);
      return false;
    }
    if (st.challenge) {
      const check = verifyAuthenticate(msg, opts, st.challenge);
      st.challenge = undefined;
      checks.push(check);
      if (check.ok) {
        st.authenticated = true;
        return true;
      }
    }
  }
  refuse(res, scheme);
  return false;
}

const record = (req: FakeRequest): RecordedRequest => ({
  method: req.method,
  url: req.rawUrl,
  headers: req.headers,
  body: req.text(),
});

export async function startWebhookFake(opts: WebhookFakeOptions = {}): Promise<WebhookFake> {
  const fake = {
    routes: new Map(),
    faults: [] as number[],
    requests: [] as RecordedRequest[],
    ntlmChecks: [] as AuthenticateCheck[],
  } as Omit<WebhookFake, "url" | "close"> & { caPem?: string };
  const conns = new WeakMap<Socket, ConnectionState>();
  const cert = opts.tls ? selfSignedCert("127.0.0.1") : undefined;
  fake.caPem = cert?.certPem;
  const server = await startFakeServer({
    tls: cert && { key: cert.keyPem, cert: cert.certPem },
    faults: fake.faults,
    faultBody: (status) => `injected ${status}`,
    requests: fake.requests,
    record,
    fallback: async (req, res) => {
      if (opts.ntlm && !ntlmGate(opts.ntlm, conns, fake.ntlmChecks, req, res)) return;
      if (opts.basic) {
        const expected = Buffer.from(`${opts.basic.user}:${opts.basic.password}`).toString("base64");
        if (req.headers.authorization !== `Basic ${expected}`) return refuse(res, 'Basic realm="fake"');
      }
      const route = fake.routes.get(req.url.pathname);
      const reply = typeof route === "function" ? route(record(req)) : (route ?? { status: 404, text: "not found" });
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, {
        "content-type": reply.json !== undefined ? "application/json" : "text/plain",
      });
      res.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? ""));
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
