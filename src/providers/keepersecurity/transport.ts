/**
 * The Keeper Secrets Manager API (POST /api/rest/sm/v1/<call>): each request is a JSON payload encrypted under a
 * fresh transmission key, which goes to the server wrapped for its public key, and signed with the client's key;
 * the answer comes back encrypted under the same transmission key. All key material lives in this object.
 */
import { randomBytes } from "node:crypto";
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { type HttpResponse, httpRequest } from "../util/http-client.js";
import { KEEPER_SERVER_PUBLIC_KEYS, type KsmConfig } from "./config.js";
import { aesGcmDecrypt, aesGcmEncrypt, eciesEncrypt, fromBase64, signEcdsa, webSafe64 } from "./crypto.js";

/** Replaces https://<hostname> of the configuration (private endpoints, tests). */
export const KEEPER_API_URL_ENV = "KEEPERSECURITY_API_URL";
/** The wire format implemented here is the one of the JavaScript SDK of this version. */
const CLIENT_VERSION = "ms17.5.0";
const CALL_TIMEOUT_MS = 30_000;
const WHAT = "keepersecurity response";

export interface KeeperFile {
  title: string;
  /** Downloads and decrypts the file's content. */
  content(): Promise<Buffer>;
}

export interface KeeperRecord {
  uid: string;
  key: Buffer;
  revision: number;
  /** The decrypted record: {title, type, fields, custom, notes, ...}. */
  data: Record<string, unknown>;
  folderUid?: string;
  files: KeeperFile[];
}

export interface KeeperSecrets {
  records: KeeperRecord[];
  /** Shared folders the application sees, with their keys (needed to create records in them). */
  folderKeys: Map<string, Buffer>;
}

interface RawFile {
  fileUid: string;
  fileKey: string;
  data: string;
  url?: string;
}

interface RawRecord {
  recordUid: string;
  recordKey?: string;
  data: string;
  revision: number;
  files?: RawFile[];
}

interface RawFolder {
  folderUid: string;
  folderKey?: string;
  records?: RawRecord[];
}

export class KeeperApi {
  private serverKeyId: number;

  constructor(
    private readonly config: KsmConfig,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.serverKeyId = config.serverPublicKeyId;
  }

  private baseUrl(): string {
    const override = process.env[KEEPER_API_URL_ENV];
    return override ? override.replace(/\/+$/, "") : `https://${this.config.hostname}`;
  }

  private serverKey(): Buffer {
    if (this.config.serverPublicKey) return this.config.serverPublicKey;
    const published = KEEPER_SERVER_PUBLIC_KEYS[this.serverKeyId];
    if (!published) throw new ProviderAuthError(`keepersecurity: server public key ${this.serverKeyId} is not known`);
    return fromBase64(published);
  }

  /** One API call; returns the decrypted answer (empty when the server sent no body). */
  private async post(call: string, what: string, payload: Record<string, unknown>): Promise<Buffer> {
    const body = Buffer.from(
      JSON.stringify({ clientVersion: CLIENT_VERSION, clientId: this.config.clientId, ...payload }),
    );
    for (let attempt = 0; ; attempt++) {
      const transmissionKey = randomBytes(32);
      const wrappedKey = eciesEncrypt(transmissionKey, this.serverKey());
      const encrypted = aesGcmEncrypt(body, transmissionKey);
      const signature = signEcdsa(Buffer.concat([wrappedKey, encrypted]), this.config.privateKey);
      let res: HttpResponse;
      try {
        res = await httpRequest({
          method: "POST",
          url: `${this.baseUrl()}/api/rest/sm/v1/${call}`,
          headers: {
            "content-type": "application/octet-stream",
            PublicKeyId: String(this.serverKeyId),
            TransmissionKey: wrappedKey.toString("base64"),
            Authorization: `Signature ${signature.toString("base64")}`,
          },
          body: encrypted,
          timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
          signal: this.signal,
          what: WHAT,
        });
      } catch (err) {
        throw new Error(`keepersecurity: ${what}: request failed: ${(err as Error).message}`);
      }
      if (res.status === 200) {
        if (res.body.length === 0) return res.body;
        try {
          return aesGcmDecrypt(res.body, transmissionKey);
        } catch {
          throw new Error(`keepersecurity: ${what}: the response could not be decrypted`);
        }
      }
      const err = parseError(res.body);
      // The server asks for another of its published keys: retry once with it.
      if (err.error === "key" && typeof err.key_id === "number" && attempt === 0 && !this.config.serverPublicKey) {
        this.serverKeyId = err.key_id;
        continue;
      }
      throw statusToError(what, res.status, err);
    }
  }

  /** get_secret: the records shared with the application (only `uids` when given), decrypted. */
  async getSecrets(uids?: string[]): Promise<KeeperSecrets> {
    const what = uids?.length ? `get secret ${uids.map((u) => `"${u}"`).join(", ")}` : "get secrets";
    const out = await this.post("get_secret", what, uids?.length ? { requestedRecords: uids } : {});
    const answer = JSON.parse(out.toString("utf8") || "{}") as { records?: RawRecord[]; folders?: RawFolder[] };
    const records: KeeperRecord[] = [];
    const folderKeys = new Map<string, Buffer>();
    for (const r of answer.records ?? []) {
      if (!r.recordKey) continue;
      records.push(this.decryptRecord(r, aesGcmDecrypt(fromBase64(r.recordKey), this.config.appKey)));
    }
    for (const f of answer.folders ?? []) {
      if (!f.folderKey) continue;
      const folderKey = aesGcmDecrypt(fromBase64(f.folderKey), this.config.appKey);
      folderKeys.set(f.folderUid, folderKey);
      for (const r of f.records ?? []) {
        if (!r.recordKey) continue;
        const rec = this.decryptRecord(r, aesGcmDecrypt(fromBase64(r.recordKey), folderKey));
        rec.folderUid = f.folderUid;
        records.push(rec);
      }
    }
    return { records, folderKeys };
  }

  private decryptRecord(r: RawRecord, key: Buffer): KeeperRecord {
    const data = JSON.parse(aesGcmDecrypt(fromBase64(r.data), key).toString("utf8")) as Record<string, unknown>;
    const files = (r.files ?? []).map((f): KeeperFile => {
      const fileKey = aesGcmDecrypt(fromBase64(f.fileKey), key);
      const meta = JSON.parse(aesGcmDecrypt(fromBase64(f.data), fileKey).toString("utf8")) as { title?: string };
      return { title: meta.title ?? "", content: () => this.download(f, fileKey) };
    });
    return { uid: r.recordUid, key, revision: r.revision, data, files };
  }

  private async download(f: RawFile, fileKey: Buffer): Promise<Buffer> {
    const what = `download file ${f.fileUid}`;
    if (!f.url) throw new Error(`keepersecurity: ${what}: no download URL`);
    let res: HttpResponse;
    try {
      res = await httpRequest({
        url: f.url,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        signal: this.signal,
        what: WHAT,
      });
    } catch (err) {
      throw new Error(`keepersecurity: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status !== 200) throw statusToError(what, res.status, {});
    return aesGcmDecrypt(res.body, fileKey);
  }

  /** create_secret: a new record in a shared folder, its key wrapped for the folder and the application owner. */
  async createRecord(folderUid: string, folderKey: Buffer, data: Record<string, unknown>): Promise<string> {
    const owner = this.config.appOwnerPublicKey;
    if (!owner) throw new ProviderAuthError("keepersecurity: the KSM configuration has no appOwnerPublicKey");
    const recordKey = randomBytes(32);
    const uid = webSafe64(randomBytes(16));
    await this.post("create_secret", `create secret "${String(data.title)}"`, {
      recordUid: uid,
      recordKey: eciesEncrypt(recordKey, owner).toString("base64"),
      folderUid,
      folderKey: aesGcmEncrypt(recordKey, folderKey).toString("base64"),
      data: webSafe64(aesGcmEncrypt(Buffer.from(JSON.stringify(data)), recordKey)),
    });
    return uid;
  }

  /** update_secret: the record's new content at its current revision. */
  async updateRecord(record: KeeperRecord): Promise<void> {
    await this.post("update_secret", `update secret "${record.uid}"`, {
      recordUid: record.uid,
      data: webSafe64(aesGcmEncrypt(Buffer.from(JSON.stringify(record.data)), record.key)),
      revision: record.revision,
    });
  }

  /** delete_secret: fails when the server reports the record was not deleted. */
  async deleteRecords(uids: string[]): Promise<void> {
    const what = `delete secret ${uids.map((u) => `"${u}"`).join(", ")}`;
    const out = await this.post("delete_secret", what, { recordUids: uids });
    const answer = JSON.parse(out.toString("utf8") || "{}") as {
      records?: { recordUid: string; responseCode: string }[];
    };
    const failed = (answer.records ?? []).filter((r) => r.responseCode !== "ok");
    if (failed.length) {
      throw new Error(`keepersecurity: ${what}: ${failed.map((r) => `${r.recordUid}: ${r.responseCode}`).join(", ")}`);
    }
  }
}

interface KeeperError {
  error?: string;
  message?: string;
  result_code?: string;
  key_id?: number;
}

function parseError(body: Buffer): KeeperError {
  try {
    const v = JSON.parse(body.subarray(0, 64 * 1024).toString("utf8"));
    return v && typeof v === "object" ? (v as KeeperError) : {};
  } catch {
    return {};
  }
}

/** Keeper answers 403 {"error":"throttled"} when rate limited, 401/403 {"error": ..., "message": ...} otherwise. */
function statusToError(what: string, status: number, err: KeeperError): Error {
  const code = err.result_code ?? err.error;
  const detail = [code, typeof err.message === "string" ? err.message.slice(0, 200) : undefined]
    .filter(Boolean)
    .join(": ");
  const suffix = detail ? `: ${detail}` : "";
  if (code === "throttled" || status === 429) {
    return new ProviderThrottledError(`keepersecurity: ${what}: rate limited (HTTP ${status})`);
  }
  if (status === 401 || status === 403) {
    return new ProviderAuthError(`keepersecurity: ${what}: authentication failed (HTTP ${status})${suffix}`);
  }
  return new Error(`keepersecurity: ${what}: HTTP ${status}${suffix}`);
}
