/**
 * GitHub takes secret values sealed to the scope's public key with libsodium's crypto_box_seal (an anonymous
 * sealed box: ephemeral X25519 key, XSalsa20-Poly1305). libsodium-wrappers is loaded on the first push.
 */

let sodium: Promise<typeof import("libsodium-wrappers").default> | undefined;

async function loadSodium() {
  sodium ??= import("libsodium-wrappers").then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return sodium;
}

/** Base64 of the sealed box of `value` for `publicKeyB64` (the base64 key GitHub's public-key call returns). */
export async function sealForGithub(value: Buffer, publicKeyB64: string): Promise<string> {
  const s = await loadSodium();
  const publicKey = Buffer.from(publicKeyB64, "base64");
  if (publicKey.length !== s.crypto_box_PUBLICKEYBYTES) {
    throw new Error(
      `github: the public key GitHub returned is ${publicKey.length} bytes, not ${s.crypto_box_PUBLICKEYBYTES}`,
    );
  }
  return Buffer.from(s.crypto_box_seal(value, publicKey)).toString("base64");
}
