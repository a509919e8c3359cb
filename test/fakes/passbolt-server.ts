/**
 * Loopback fake of a Passbolt server (API v2 envelope) over HTTPS: GPGAuth login (stage 1 answers a token
 * encrypted for the registered user's public key in X-GPGAuth-User-Auth-Token, stage 2 checks the decrypted
 * token and sets passbolt_session), /users/me.json (sets csrfToken), /auth/is-authenticated.json, logout,
 * resources, resource types and secrets encrypted for the user with `openpgp`. Records and serves faults.
 */
import { randomUUID } from "node:crypto";
import * as openpgp from "openpgp";
import { type FakeRequest, type FakeServer, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";
import { selfSignedCert } from "./azurekv-server.js";

export interface PassboltFakeResource {
  id: string;
  name: string;
  username: string;
  uri: string;
  description: string;
  slug: "password-string" | "password-and-description" | "password-description-totp" | "totp" | "v5-default";
  /** The cleartext the secret holds (a password, or JSON for the other types). */
  secret: string;
}

const TYPE_IDS: Record<PassboltFakeResource["slug"], string> = {
  "password-string": "a28a04cd-6f53-518a-967c-9963bf9cec51",
  "password-and-description": "669f8c64-242a-59fb-92fc-81f660975fd3",
  "password-description-totp": "1e8b7cb0-4b6e-5fd9-8fd9-b0c8ce7b2e79",
  totp: "9a3f2c6a-2d0b-5a6a-8c3b-7a6f5f5d1c11",
  "v5-default": "d0a8b1a2-5e0b-4b7c-9a3d-2f7a1e6c9b44",
};

const envelope = (code: number, body: unknown, message = "OK") => ({
  header: { id: randomUUID(), status: code < 300 ? "success" : "error", servertime: 0, code, message },
  body,
});

export class FakePassbolt {
  readonly tls = selfSignedCert("127.0.0.1");
  readonly faults: Fault[] = [];
  readonly requests: string[] = [];
  readonly resources = new Map<string, PassboltFakeResource>();
  logins = 0;
  logouts = 0;
  userPrivateKey = "";
  userPublicKey = "";
  readonly passphrase = "correct horse battery staple";
  private fingerprint = "";
  private readonly pending = new Map<string, string>();
  private readonly sessions = new Set<string>();
  private server?: FakeServer<string>;

  get host(): string {
    if (!this.server) throw new Error("fake not started");
    return this.server.url;
  }

  get caPem(): string {
    return this.tls.certPem;
  }

  addResource(r: Omit<PassboltFakeResource, "id">): string {
    const id = randomUUID();
    this.resources.set(id, { id, ...r });
    return id;
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await openpgp.generateKey({
      userIDs: [{ name: "ESO", email: "eso@example.com" }],
      passphrase: this.passphrase,
      format: "armored",
    });
    this.userPrivateKey = privateKey;
    this.userPublicKey = publicKey;
    this.fingerprint = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
    this.server = await startFakeServer<string>({
      tls: { key: this.tls.keyPem, cert: this.tls.certPem },
      faults: this.faults,
      requests: this.requests,
      faultBody: (status) => envelope(status, null, `injected fault ${status}`),
      fallback: (req, res) => {
        this.route(req).then(
          // node:http takes a list for set-cookie.
          (out) =>
            sendJson(
              res,
              out.status,
              envelope(out.status, out.body ?? null),
              (out.headers ?? {}) as Record<string, string>,
            ),
          () => sendJson(res, 500, envelope(500, null, "internal error")),
        );
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private session(req: FakeRequest): string | undefined {
    const id = /passbolt_session=([^;]+)/.exec(String(req.headers.cookie ?? ""))?.[1];
    return id && this.sessions.has(id) ? id : undefined;
  }

  private async encrypt(text: string): Promise<string> {
    const encryptionKeys = await openpgp.readKey({ armoredKey: this.userPublicKey });
    return (await openpgp.encrypt({ message: await openpgp.createMessage({ text }), encryptionKeys })) as string;
  }

  private async route(
    req: FakeRequest,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string | string[]> }> {
    const p = req.url.pathname;
    if (req.url.searchParams.get("api-version") !== "v2") return { status: 400, body: "api-version v2 expected" };
    if (req.method === "POST" && p === "/auth/login.json") {
      const auth = req.json().gpg_auth ?? {};
      if (auth.keyid !== this.fingerprint) {
        return { status: 404, body: null, headers: { "x-gpgauth-error": "true" } };
      }
      if (!auth.user_token_result) {
        const token = `gpgauthv1.3.0|36|${randomUUID()}|gpgauthv1.3.0`;
        this.pending.set(token, auth.keyid);
        const armored = await this.encrypt(token);
        return {
          status: 200,
          headers: {
            "x-gpgauth-authenticated": "false",
            "x-gpgauth-progress": "stage1",
            "x-gpgauth-user-auth-token": encodeURIComponent(armored),
          },
        };
      }
      if (!this.pending.delete(auth.user_token_result)) {
        return { status: 400, headers: { "x-gpgauth-error": "true" } };
      }
      const session = randomUUID();
      this.sessions.add(session);
      this.logins++;
      return {
        status: 200,
        headers: {
          "x-gpgauth-authenticated": "true",
          "x-gpgauth-progress": "complete",
          "set-cookie": [`passbolt_session=${session}; path=/; secure; HttpOnly`],
        },
      };
    }
    const session = this.session(req);
    if (!session) return { status: 401, body: null };
    if (req.method === "GET" && p === "/users/me.json") {
      return {
        status: 200,
        body: { id: "user-1", username: "eso@example.com" },
        headers: { "set-cookie": [`csrfToken=${randomUUID()}; path=/; secure`] },
      };
    }
    if (req.method === "GET" && p === "/auth/is-authenticated.json") return { status: 200, body: null };
    if (req.method === "GET" && p === "/auth/logout.json") {
      this.sessions.delete(session);
      this.logouts++;
      return { status: 200, body: null };
    }
    const meta = (r: PassboltFakeResource) => ({
      id: r.id,
      name: r.name,
      username: r.username,
      uri: r.uri,
      description: r.slug === "password-string" ? r.description : "",
      resource_type_id: TYPE_IDS[r.slug],
    });
    if (req.method === "GET" && p === "/resources.json")
      return { status: 200, body: [...this.resources.values()].map(meta) };
    let m = /^\/resources\/([^/]+)\.json$/.exec(p);
    if (req.method === "GET" && m) {
      const r = this.resources.get(m[1]!);
      return r ? { status: 200, body: meta(r) } : { status: 404, body: null };
    }
    m = /^\/resource-types\/([^/]+)\.json$/.exec(p);
    if (req.method === "GET" && m) {
      const slug = Object.entries(TYPE_IDS).find(([, id]) => id === m![1])?.[0];
      return slug ? { status: 200, body: { id: m[1], slug } } : { status: 404, body: null };
    }
    m = /^\/secrets\/resource\/([^/]+)\.json$/.exec(p);
    if (req.method === "GET" && m) {
      const r = this.resources.get(m[1]!);
      if (!r) return { status: 404, body: null };
      return { status: 200, body: { id: randomUUID(), resource_id: r.id, data: await this.encrypt(r.secret) } };
    }
    return { status: 404, body: null };
  }
}
