/**
 * Loopback fake of Quay's robot federation endpoint over HTTPS (a throwaway CA, `caPem`): GET
 * /oauth2/federation/robot/token with basic credentials "<robot>:<ServiceAccount JWT>", the JWT checked against the
 * robot's federation rule (signature, issuer, subject, audience, expiry). Answers {token} (a JWT with exp) or
 * 401 {error}. Records `requests`, serves queued `faults`, and can hand out a non-JWT token (`opaqueTokens`).
 */
import { randomBytes } from "node:crypto";
import { issueCertBundle } from "../../src/util/serving-certs.js";
import { type FakeServer, sendJson, startFakeServer } from "../support/fake-server.js";
import { type FederationRule, issueAccessToken, refusal, type SignatureCheck } from "./federation-token.js";

export interface QuayRequest {
  method: string;
  path: string;
  robot?: string;
}

export class FakeQuay {
  readonly robots = new Map<string, FederationRule>();
  /** Robot tokens handed out, newest last. */
  readonly issued: { robot: string; token: string; exp: number }[] = [];
  /** Why the last refused request was refused (signature, issuer, subject, audience, expired, robot, credentials). */
  lastRefusal?: string;
  opaqueTokens = false;
  caPem = "";
  private server?: FakeServer<QuayRequest>;
  private readonly key = randomBytes(32);

  constructor(private readonly signature: SignatureCheck) {}

  /** Lets the ServiceAccount token matching `rule` log in as `robot` ("org+name"). */
  federate(robot: string, rule: FederationRule): this {
    this.robots.set(robot, rule);
    return this;
  }

  get host(): string {
    return `127.0.0.1:${this.server!.port}`;
  }
  get requests(): QuayRequest[] {
    return this.server!.requests;
  }
  get faults() {
    return this.server!.faults;
  }

  async start(): Promise<this> {
    const tls = issueCertBundle(["localhost"], 1, ["127.0.0.1"]);
    this.caPem = tls.caCert;
    this.server = await startFakeServer<QuayRequest>({
      tls: { key: tls.key, cert: tls.cert },
      faultBody: (status) => ({ error: `injected ${status}` }),
      record: (req) => ({ method: req.method, path: req.url.pathname, robot: basic(req.headers.authorization)?.user }),
      routes: [
        {
          method: "GET",
          path: "/oauth2/federation/robot/token",
          handle: (req, res) => {
            const creds = basic(req.headers.authorization);
            const refuse = (why: string) => {
              this.lastRefusal = why;
              sendJson(res, 401, { error: "Could not validate robot federation token" });
            };
            if (!creds) return refuse("credentials");
            const rule = this.robots.get(creds.user);
            if (!rule) return refuse("robot");
            const why = refusal(creds.password, this.signature, rule);
            if (why) return refuse(why);
            if (this.opaqueTokens) return sendJson(res, 200, { token: randomBytes(24).toString("hex") });
            const issued = issueAccessToken(this.key, creds.user);
            this.issued.push({ robot: creds.user, ...issued });
            sendJson(res, 200, { token: issued.token });
          },
        },
      ],
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

function basic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic (.+)$/i.exec(header ?? "");
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = text.indexOf(":");
  return i < 0 ? undefined : { user: text.slice(0, i), password: text.slice(i + 1) };
}
