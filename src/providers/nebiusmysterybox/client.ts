/** MysteryBox secret payloads, read-only, as upstream ESO's nebiusmysterybox provider reads them. */
import { NoSecretError, NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { goJsonMarshal } from "../util/go-json.js";
import { getPayload, getPayloadByKey, type NebiusCallOptions } from "./transport.js";
import type { PayloadEntry } from "./wire.js";

const valueBytes = (e: PayloadEntry) => e.binaryValue ?? Buffer.from(e.stringValue ?? "", "utf8");

export class NebiusMysteryboxClient implements SecretsClient {
  constructor(
    private readonly call: NebiusCallOptions,
    private readonly token: string,
  ) {}

  /** Not-found messages as upstream words them; other failures pass through. */
  private notFound(err: unknown, ref: RemoteRef, byKey: boolean): unknown {
    if (!(err instanceof NoSecretError)) return err;
    const secret = JSON.stringify(ref.key);
    const version = JSON.stringify(ref.version ?? "");
    const key = JSON.stringify(ref.property ?? "");
    if (byKey) {
      return new NoSecretError(
        ref.version
          ? `nebius mysterybox: version ${version} of secret ${secret} not found by key ${key}`
          : `nebius mysterybox: key ${key} not found in secret ${secret}`,
      );
    }
    return new NoSecretError(
      ref.version
        ? `nebius mysterybox: version ${version} of secret ${secret} not found`
        : `nebius mysterybox: secret ${secret} not found`,
    );
  }

  private async entries(ref: RemoteRef): Promise<PayloadEntry[]> {
    try {
      const what = `get secret ${JSON.stringify(ref.key)}`;
      return (await getPayload(this.call, this.token, ref.key, ref.version ?? "", what)).entries;
    } catch (err) {
      throw this.notFound(err, ref, false);
    }
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    if (ref.property) {
      try {
        const what = `get key ${JSON.stringify(ref.property)} of secret ${JSON.stringify(ref.key)}`;
        return valueBytes(await getPayloadByKey(this.call, this.token, ref.key, ref.version ?? "", ref.property, what));
      } catch (err) {
        throw this.notFound(err, ref, true);
      }
    }
    // Upstream marshals a map of strings and byte slices: Go writes the bytes as base64 and sorts the keys.
    const obj: Record<string, string> = {};
    for (const e of await this.entries(ref)) {
      obj[e.key] = e.binaryValue ? e.binaryValue.toString("base64") : (e.stringValue ?? "");
    }
    return Buffer.from(goJsonMarshal(obj), "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const out: Record<string, Buffer> = {};
    for (const e of await this.entries(ref)) out[e.key] = valueBytes(e);
    return out;
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(
      "nebius mysterybox: dataFrom.find is not implemented by the Nebius MysteryBox provider",
    );
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("nebius mysterybox: PushSecret is not implemented by the Nebius MysteryBox provider");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(
      "nebius mysterybox: deleting secrets is not implemented by the Nebius MysteryBox provider",
    );
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("nebius mysterybox: secretExists is not implemented by the Nebius MysteryBox provider");
  }

  /** The credentials were checked when the client was built (a service-account token exchange), as upstream. */
  async validate(): Promise<ValidationResult> {
    return { ready: true };
  }

  async close(): Promise<void> {}
}
