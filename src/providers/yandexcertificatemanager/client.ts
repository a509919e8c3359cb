import { NotSupportedError } from "../errors.js";
import type { FindRef, PushRemoteRef, PushSecretData, PushSource, RemoteRef, SecretsClient } from "../provider.js";
import type { CertificateContentApi } from "./transport.js";

const NAME = "yandexcertificatemanager";
const quote = (s: string) => JSON.stringify(s);

/** Each part trimmed and ended with a newline, as upstream joins PEM blocks. */
function trimAndJoin(...parts: string[]): string {
  return parts.map((p) => `${p.trim()}\n`).join("");
}

export class YandexCertificateManagerClient implements SecretsClient {
  constructor(private readonly api: CertificateContentApi) {}

  /** Property "" or chainAndPrivateKey: chain then key; "chain"; "privateKey". */
  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const c = await this.api.content(ref.key, ref.version || undefined, `get certificate ${quote(ref.key)}`);
    const chain = trimAndJoin(...c.certificateChain);
    const privateKey = trimAndJoin(c.privateKey);
    switch (ref.property ?? "") {
      case "":
      case "chainAndPrivateKey":
        return Buffer.from(trimAndJoin(chain, privateKey), "utf8");
      case "chain":
        return Buffer.from(chain, "utf8");
      case "privateKey":
        return Buffer.from(privateKey, "utf8");
      default:
        throw new Error(`${NAME}: certificate ${quote(ref.key)}: unsupported property ${quote(ref.property ?? "")}`);
    }
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const c = await this.api.content(ref.key, ref.version || undefined, `get map of certificate ${quote(ref.key)}`);
    return {
      chain: Buffer.from(c.certificateChain.join("\n"), "utf8"),
      privateKey: Buffer.from(c.privateKey, "utf8"),
    };
  }

  async getAllSecrets(_find: FindRef): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(`${NAME}: getAllSecrets: not implemented`);
  }

  async pushSecret(_source: PushSource, _data: PushSecretData): Promise<void> {
    throw new NotSupportedError(`${NAME}: pushSecret: not implemented`);
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError(`${NAME}: deleteSecret: not implemented`);
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError(`${NAME}: secretExists: not implemented`);
  }

  async validate() {
    return { ready: true };
  }

  async close(): Promise<void> {}
}
