import { generateKeyPairSync } from "node:crypto";
import { type Generator, GeneratorError } from "../generator.js";
import {
  authorizedKeyLine,
  ed25519PrivateFields,
  ed25519PublicBlob,
  opensshPrivateKey,
  rsaPrivateFields,
  rsaPublicBlob,
} from "./openssh.js";

export interface SSHKeySpec {
  keyType?: string;
  keySize?: number;
  comment?: string;
}

const RSA_SIZES = new Set([2048, 3072, 4096]);

function b64url(value: string | undefined): Buffer {
  return Buffer.from(value ?? "", "base64url");
}

export function generateSshKey(spec: SSHKeySpec): { privateKey: string; publicKey: string } {
  const comment = spec.comment ?? "";
  const keyType = spec.keyType ?? "rsa";
  if (keyType === "ed25519") {
    const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    const pub = b64url(jwk.x);
    const blob = ed25519PublicBlob(pub);
    return {
      privateKey: opensshPrivateKey(blob, ed25519PrivateFields(b64url(jwk.d), pub), comment),
      publicKey: authorizedKeyLine("ssh-ed25519", blob, comment),
    };
  }
  if (keyType === "rsa") {
    const size = spec.keySize ?? 2048;
    if (!RSA_SIZES.has(size)) throw new GeneratorError("spec.keySize: must be 2048, 3072 or 4096 for rsa");
    const jwk = generateKeyPairSync("rsa", { modulusLength: size }).privateKey.export({ format: "jwk" });
    const parts = { n: b64url(jwk.n), e: b64url(jwk.e), d: b64url(jwk.d), p: b64url(jwk.p), q: b64url(jwk.q) };
    const blob = rsaPublicBlob(parts);
    return {
      privateKey: opensshPrivateKey(blob, rsaPrivateFields({ ...parts, qi: b64url(jwk.qi) }), comment),
      publicKey: authorizedKeyLine("ssh-rsa", blob, comment),
    };
  }
  throw new GeneratorError(`spec.keyType: unsupported key type "${keyType}" (rsa, ed25519)`);
}

export const sshKeyGenerator: Generator<SSHKeySpec> = {
  kind: "SSHKey",
  clusterSpecKey: "sshKeySpec",
  async generate(spec) {
    const { privateKey, publicKey } = generateSshKey(spec);
    return { data: { privateKey: Buffer.from(privateKey), publicKey: Buffer.from(publicKey) } };
  },
};
