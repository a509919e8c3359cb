/**
 * Loopback fake of the Keeper Secrets Manager API (POST /api/rest/sm/v1/<call>), speaking its encrypted
 * protocol: the transmission key arrives wrapped (ECIES, P-256) for the fake's server key, the payload is
 * AES-256-GCM under it and signed (ECDSA-SHA256) with the client's key, which the fake verifies; answers go
 * back encrypted under the transmission key. Records and folders are kept encrypted under their own keys, as
 * the service hands them out. Errors are plain JSON `{error, message}` as the service sends them.
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createVerify,
  type ECDH,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, startFakeServer } from "../support/fake-server.js";

export interface FakeKeeperRecord {
  uid: string;
  key: Buffer;
  revision: number;
  data: Record<string, unknown>;
  folderUid?: string;
  files: { uid: string; key: Buffer; title: string; name: string; content: Buffer }[];
}

export interface KeeperFake {
  url: string;
  /** A bound KSM configuration (JSON) for the fake's one application. */
  config(): string;
  /** A configuration whose client key the fake does not know. */
  unknownClientConfig(): string;
  records: Map<string, FakeKeeperRecord>;
  folders: Map<string, { key: Buffer }>;
  addFolder(uid: string): void;
  addRecord(
    data: Record<string, unknown>,
    opts?: { uid?: string; folderUid?: string; files?: { title: string; content: string }[] },
  ): string;
  faults: Fault[];
  /** Calls made: "get_secret", "create_secret", ..., with the requested records of get_secret. */
  requests: { call: string; requestedRecords?: string[] }[];
  close(): Promise<void>;
}

function gcmEncrypt(data: Buffer, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([iv, ct, c.getAuthTag()]);
}

function gcmDecrypt(data: Buffer, key: Buffer): Buffer {
  const d = createDecipheriv("aes-256-gcm", key, data.subarray(0, 12));
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
}

function eciesDecrypt(data: Buffer, ecdh: ECDH): Buffer {
  const key = createHash("sha256")
    .update(ecdh.computeSecret(data.subarray(0, 65)))
    .digest();
  return gcmDecrypt(data.subarray(65), key);
}

const b64 = (s: string) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");

function fail(res: ServerResponse, status: number, error: string, message: string, extra: object = {}): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ path: "/api/rest/sm/v1", error, message, ...extra }));
}

function newClient(): { clientId: string; privateDer: Buffer; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    clientId: randomBytes(64).toString("base64"),
    privateDer: privateKey.export({ format: "der", type: "pkcs8" }) as Buffer,
    publicKey,
  };
}

export async function startKeeperFake(): Promise<KeeperFake> {
  const server = createECDH("prime256v1");
  server.generateKeys();
  const owner = createECDH("prime256v1");
  owner.generateKeys();
  const SERVER_KEY_ID = 10;
  const appKey = randomBytes(32);
  const client = newClient();
  const stranger = newClient();
  const records = new Map<string, FakeKeeperRecord>();
  const folders = new Map<string, { key: Buffer }>();
  const faults: Fault[] = [];
  const requests: KeeperFake["requests"] = [];
  let baseUrl = "";

  const configFor = (c: { clientId: string; privateDer: Buffer }) =>
    JSON.stringify({
      hostname: "fake.keeper.test",
      clientId: c.clientId,
      privateKey: c.privateDer.toString("base64"),
      appKey: appKey.toString("base64"),
      appOwnerPublicKey: owner.getPublicKey().toString("base64"),
      serverPublicKeyId: String(SERVER_KEY_ID),
      serverPublicKey: server.getPublicKey().toString("base64url"),
    });

  const rawRecord = (r: FakeKeeperRecord, wrapKey: Buffer) => ({
    recordUid: r.uid,
    recordKey: gcmEncrypt(r.key, wrapKey).toString("base64"),
    data: gcmEncrypt(Buffer.from(JSON.stringify(r.data)), r.key).toString("base64url"),
    revision: r.revision,
    isEditable: true,
    files: r.files.map((f) => ({
      fileUid: f.uid,
      fileKey: gcmEncrypt(f.key, r.key).toString("base64"),
      data: gcmEncrypt(
        Buffer.from(JSON.stringify({ name: f.name, title: f.title, size: f.content.length, type: "text/plain" })),
        f.key,
      ).toString("base64"),
      url: `${baseUrl}/files/${f.uid}`,
      thumbnailUrl: null,
    })),
  });

  const handle = (req: FakeRequest, res: ServerResponse, call: string) => {
    const wrapped = Buffer.from(String(req.headers.transmissionkey ?? ""), "base64");
    if (Number(req.headers.publickeyid) !== SERVER_KEY_ID) {
      return fail(res, 400, "key", "invalid public key id", { key_id: SERVER_KEY_ID });
    }
    let transmissionKey: Buffer;
    let payload: Record<string, any>;
    try {
      transmissionKey = eciesDecrypt(wrapped, server);
      payload = JSON.parse(gcmDecrypt(req.body, transmissionKey).toString("utf8"));
    } catch {
      return fail(res, 400, "bad_request", "unable to decrypt the request");
    }
    requests.push({ call, requestedRecords: payload.requestedRecords });
    if (!String(payload.clientVersion ?? "").match(/^m[a-z]\d+\.\d+\.\d+$/)) {
      return fail(res, 400, "invalid_client_version", "client version is not supported");
    }
    if (payload.clientId !== client.clientId) {
      return fail(res, 403, "access_denied", "Unable to validate application access");
    }
    const sig = String(req.headers.authorization ?? "").replace(/^Signature /, "");
    const ok = createVerify("SHA256")
      .update(Buffer.concat([wrapped, req.body]))
      .verify(client.publicKey, Buffer.from(sig, "base64"));
    if (!ok) return fail(res, 401, "invalid_signature", "Signature is invalid");

    const answer = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(body === undefined ? Buffer.alloc(0) : gcmEncrypt(Buffer.from(JSON.stringify(body)), transmissionKey));
    };
    switch (call) {
      case "get_secret": {
        const wanted: string[] | undefined = payload.requestedRecords;
        const pick = (r: FakeKeeperRecord) => !wanted?.length || wanted.includes(r.uid);
        const direct = [...records.values()].filter((r) => !r.folderUid && pick(r)).map((r) => rawRecord(r, appKey));
        const inFolders = [...folders].flatMap(([uid, f]) => {
          const rs = [...records.values()].filter((r) => r.folderUid === uid && pick(r));
          if (wanted?.length && rs.length === 0) return [];
          return [
            {
              folderUid: uid,
              folderKey: gcmEncrypt(f.key, appKey).toString("base64"),
              records: rs.map((r) => rawRecord(r, f.key)),
            },
          ];
        });
        return answer({
          appData: gcmEncrypt(Buffer.from(JSON.stringify({ title: "eso", type: "app" })), appKey).toString("base64url"),
          records: direct,
          folders: inFolders,
          expiresOn: 0,
          warnings: [],
        });
      }
      case "create_secret": {
        const folder = folders.get(payload.folderUid);
        if (!folder) return fail(res, 400, "invalid_folder", "folder is not shared with the application");
        const key = eciesDecrypt(Buffer.from(payload.recordKey, "base64"), owner);
        if (!gcmDecrypt(Buffer.from(payload.folderKey, "base64"), folder.key).equals(key)) {
          return fail(res, 400, "bad_request", "record key mismatch");
        }
        const data = JSON.parse(gcmDecrypt(b64(payload.data), key).toString("utf8"));
        records.set(payload.recordUid, {
          uid: payload.recordUid,
          key,
          revision: 1,
          data,
          folderUid: payload.folderUid,
          files: [],
        });
        return answer(undefined);
      }
      case "update_secret": {
        const r = records.get(payload.recordUid);
        if (!r) return fail(res, 400, "not_found", "record not found");
        if (payload.revision !== r.revision) return fail(res, 400, "out_of_sync", "record revision is out of date");
        r.data = JSON.parse(gcmDecrypt(b64(payload.data), r.key).toString("utf8"));
        r.revision++;
        return answer(undefined);
      }
      case "delete_secret": {
        const out = (payload.recordUids as string[]).map((uid) => {
          const existed = records.delete(uid);
          return { recordUid: uid, responseCode: existed ? "ok" : "not_found", errorMessage: "" };
        });
        return answer({ records: out, folders: [] });
      }
      default:
        return fail(res, 404, "not_found", `unknown call ${call}`);
    }
  };

  const srv = await startFakeServer({
    faults,
    faultBody: (status) => ({ error: status === 403 ? "throttled" : "server_error", message: `injected ${status}` }),
    requests: [] as string[],
    routes: [
      { method: "POST", path: /^\/api\/rest\/sm\/v1\/([a-z_]+)$/, handle: (req, res, m) => handle(req, res, m![1]!) },
      {
        method: "GET",
        path: /^\/files\/([^/]+)$/,
        handle: (_req, res, m) => {
          for (const r of records.values()) {
            const f = r.files.find((x) => x.uid === m![1]);
            if (f) {
              res.writeHead(200, { "content-type": "application/octet-stream" });
              return res.end(gcmEncrypt(f.content, f.key));
            }
          }
          res.writeHead(404).end();
        },
      },
    ],
  });
  baseUrl = srv.url;

  return {
    url: srv.url,
    config: () => configFor(client),
    unknownClientConfig: () => configFor(stranger),
    records,
    folders,
    addFolder: (uid) => {
      folders.set(uid, { key: randomBytes(32) });
    },
    addRecord: (data, opts = {}) => {
      const uid = opts.uid ?? randomBytes(16).toString("base64url");
      records.set(uid, {
        uid,
        key: randomBytes(32),
        revision: 1,
        data,
        folderUid: opts.folderUid,
        files: (opts.files ?? []).map((f) => ({
          uid: randomBytes(16).toString("base64url"),
          key: randomBytes(32),
          title: f.title,
          name: `${f.title}.txt`,
          content: Buffer.from(f.content),
        })),
      });
      return uid;
    },
    faults,
    requests,
    close: srv.close,
  };
}
