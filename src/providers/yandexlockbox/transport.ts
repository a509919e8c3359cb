/** The Lockbox payload REST calls: Payload.Get by secret id, Payload.GetEx by folder and name. */
import { YANDEX_SERVICE } from "./kit/endpoints.js";
import type { YandexKeyPolicy, YandexSession } from "./kit/session.js";

/** One payload entry: text, or bytes. */
export interface LockboxEntry {
  key: string;
  text?: string;
  binary?: Buffer;
}

interface PayloadResponse {
  entries?: { key?: string; textValue?: string; binaryValue?: string }[];
}
interface PayloadExResponse {
  entries?: Record<string, string>;
}

export class LockboxApi {
  constructor(
    private readonly session: YandexSession,
    private readonly policy: YandexKeyPolicy,
  ) {}

  async payload(key: string, version: string | undefined, what: string): Promise<LockboxEntry[]> {
    const q = new URLSearchParams();
    if (this.policy.by === "id") {
      if (version) q.set("versionId", version);
      const body = await this.session.get<PayloadResponse>(
        YANDEX_SERVICE.lockboxPayload,
        `/lockbox/v1/secrets/${encodeURIComponent(key)}/payload`,
        q,
        what,
      );
      return (body.entries ?? []).map((e) =>
        e.binaryValue !== undefined
          ? { key: e.key ?? "", binary: Buffer.from(e.binaryValue, "base64") }
          : { key: e.key ?? "", text: e.textValue ?? "" },
      );
    }
    q.set("folderAndName.folderId", this.policy.folderId);
    q.set("folderAndName.secretName", key);
    if (version) q.set("versionId", version);
    const body = await this.session.get<PayloadExResponse>(
      YANDEX_SERVICE.lockboxPayload,
      "/lockbox/v1/secrets:getEx",
      q,
      what,
    );
    // GetEx hands every value out as bytes, as upstream then treats them.
    return Object.entries(body.entries ?? {}).map(([k, v]) => ({ key: k, binary: Buffer.from(v, "base64") }));
  }
}
