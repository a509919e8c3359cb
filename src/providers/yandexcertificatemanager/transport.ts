/** The Certificate Manager content REST calls: CertificateContent.Get by id, GetEx by folder and name. */
import { YANDEX_SERVICE } from "../yandexlockbox/kit/endpoints.js";
import type { YandexKeyPolicy, YandexSession } from "../yandexlockbox/kit/session.js";

export interface CertificateContent {
  certificateChain: string[];
  privateKey: string;
}

export class CertificateContentApi {
  constructor(
    private readonly session: YandexSession,
    private readonly policy: YandexKeyPolicy,
  ) {}

  async content(key: string, version: string | undefined, what: string): Promise<CertificateContent> {
    const q = new URLSearchParams();
    let path: string;
    if (this.policy.by === "id") {
      path = `/certificate-manager/v1/certificates/${encodeURIComponent(key)}:getContent`;
    } else {
      path = "/certificate-manager/v1/certificates:getEx";
      q.set("folderAndName.folderId", this.policy.folderId);
      q.set("folderAndName.certificateName", key);
    }
    if (version) q.set("versionId", version);
    const body = await this.session.get<{ certificateChain?: string[]; privateKey?: string }>(
      YANDEX_SERVICE.certificateManagerData,
      path,
      q,
      what,
    );
    return { certificateChain: body.certificateChain ?? [], privateKey: body.privateKey ?? "" };
  }
}
