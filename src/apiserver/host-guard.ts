/**
 * DNS-rebinding defence. The local API server listens on loopback, but a web page on attacker.example can make a
 * browser send it requests: the attacker's DNS name is re-pointed at 127.0.0.1, and the browser, believing it talks
 * to attacker.example, lets the page read the answers. The Host header still names the attacker's domain, so only
 * loopback names (and the literal address the server was bound to) are answered.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const loopbackNames = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The host part of a Host header ("name", "name:port", "[v6]" or "[v6]:port"), lower-cased; undefined if malformed. */
export function hostName(header: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  return m ? m[1]!.toLowerCase().replace(/\.$/, "") : undefined;
}

/** Host names the server answers to: loopback names, plus the address it is bound to when that is a specific one. */
export function allowedHostNames(bindHost: string): Set<string> {
  const names = new Set(loopbackNames);
  const bound = bindHost.includes(":") ? `[${bindHost.toLowerCase()}]` : bindHost.toLowerCase();
  if (bound !== "0.0.0.0" && bound !== "[::]" && bound !== "") names.add(bound);
  return names;
}

export function hostAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const header = req.headers.host;
  if (!header) return false;
  const name = hostName(header);
  return name !== undefined && allowed.has(name);
}

/** A kube-style Status refusing the request; nothing of the request or the stored state is echoed. */
export function refuseHost(res: ServerResponse): void {
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "forbidden: the Host header must name a loopback address (localhost, 127.0.0.1 or [::1])",
    reason: "Forbidden",
    details: {},
    code: 403,
  });
  res.writeHead(403, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Wraps a request handler so that only requests naming an allowed host reach it. */
export function guardHost(
  bindHost: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const allowed = allowedHostNames(bindHost);
  return (req, res) => {
    if (hostAllowed(req, allowed)) handler(req, res);
    else refuseHost(res);
  };
}
