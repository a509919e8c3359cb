/**
 * The user's OpenPGP key, through the `openpgp` package, imported on first use (a store that never builds a
 * Passbolt client never loads it). Errors say what failed, never the key, the passphrase or a plaintext.
 */
import { StoreConfigError } from "../errors.js";

type OpenPgp = typeof import("openpgp");
type PrivateKey = Awaited<ReturnType<OpenPgp["decryptKey"]>>;

function openpgp(): Promise<OpenPgp> {
  return import("openpgp");
}

/** A decrypted private key that can decrypt messages addressed to the user. */
export class UserKey {
  private constructor(
    private readonly pgp: OpenPgp,
    private readonly key: PrivateKey,
  ) {}

  /** The key's fingerprint in upper-case hex, as GPGAuth's keyid. */
  get fingerprint(): string {
    return this.key.getFingerprint().toUpperCase();
  }

  static async load(armoredKey: string, passphrase: string, field: string): Promise<UserKey> {
    const pgp = await openpgp();
    let key: Awaited<ReturnType<OpenPgp["readPrivateKey"]>>;
    try {
      key = await pgp.readPrivateKey({ armoredKey });
    } catch {
      throw new StoreConfigError(`${field}.privateKeySecretRef: is not an armored OpenPGP private key`);
    }
    if (key.isDecrypted()) return new UserKey(pgp, key);
    try {
      return new UserKey(pgp, await pgp.decryptKey({ privateKey: key, passphrase }));
    } catch {
      throw new StoreConfigError(`${field}.passwordSecretRef: does not unlock the private key`);
    }
  }

  /** Decrypts an armored message for this key; `what` names it in the error. */
  async decrypt(armoredMessage: string, what: string): Promise<string> {
    try {
      const message = await this.pgp.readMessage({ armoredMessage });
      const { data } = await this.pgp.decrypt({ message, decryptionKeys: this.key });
      return String(data);
    } catch {
      throw new Error(`passbolt: ${what}: could not decrypt the message with the user's key`);
    }
  }
}
