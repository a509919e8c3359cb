/**
 * One HTTP request with NTLM authentication, as upstream's go-ntlmssp Negotiator sends it: first without
 * credentials; on a 401 offering NTLM (or Negotiate), NEGOTIATE, then the server's CHALLENGE answered with
 * AUTHENTICATE, all on one kept-alive connection (NTLM authenticates the connection, not the request). A 401
 * offering neither is retried once with Basic credentials, as upstream does.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { type HttpRequest, type HttpResponse, httpRequest } from "../../util/http-client.js";
import { authenticateMessage, type Credentials, negotiateMessage, parseChallenge } from "./messages.js";

type Scheme = "NTLM" | "Negotiate";

function offers(res: HttpResponse): string[] {
  const h = res.headers["www-authenticate"];
  const values = Array.isArray(h) ? h : h ? [h] : [];
  // Node joins repeated WWW-Authenticate headers with ", "; NTLM tokens are base64 and hold no comma.
  return values.flatMap((v) => v.split(",")).map((v) => v.trim());
}

/** NTLM wins over Negotiate when both are offered, as upstream. */
function schemeOf(res: HttpResponse): Scheme | undefined {
  const all = offers(res).map((v) => v.split(/\s+/, 1)[0]?.toLowerCase());
  if (all.includes("ntlm")) return "NTLM";
  if (all.includes("negotiate")) return "Negotiate";
  return undefined;
}

function challengeOf(res: HttpResponse, scheme: Scheme): Buffer | undefined {
  for (const v of offers(res)) {
    const [name, data] = v.split(/\s+/, 2);
    if (name?.toLowerCase() === scheme.toLowerCase() && data) return Buffer.from(data, "base64");
  }
  return undefined;
}

export async function ntlmRequest(req: HttpRequest, creds: Credentials): Promise<HttpResponse> {
  const https = new URL(req.url).protocol === "https:";
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 1 })
    : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  // The credentials replace any Authorization header the spec templated, as upstream's SetBasicAuth does.
  const base = Object.fromEntries(
    Object.entries(req.headers ?? {}).filter(([k]) => k.toLowerCase() !== "authorization"),
  );
  const send = (authorization?: string) =>
    httpRequest({ ...req, agent, headers: authorization ? { ...base, authorization } : base });
  try {
    let res = await send();
    if (res.status !== 401) return res;
    let scheme = schemeOf(res);
    if (!scheme) {
      const basic = Buffer.from(`${creds.username}:${creds.password}`, "utf8").toString("base64");
      res = await send(`Basic ${basic}`);
      if (res.status !== 401) return res;
      scheme = schemeOf(res);
      if (!scheme) return res;
    }
    res = await send(`${scheme} ${negotiateMessage().toString("base64")}`);
    const challenge = challengeOf(res, scheme);
    // No challenge: the negotiation failed, and the caller maps the answer (a 401) as usual.
    if (!challenge) return res;
    return await send(`${scheme} ${authenticateMessage(parseChallenge(challenge), creds).toString("base64")}`);
  } finally {
    agent.destroy();
  }
}
