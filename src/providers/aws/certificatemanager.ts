/**
 * SecretsClient over AWS Certificate Manager, reading as ESO does: remoteRef.key is the certificate ARN;
 * GetCertificate gives the current certificate and chain, DescribeCertificate must show export ENABLED, and
 * ExportCertificate (a paid call for public certificates) returns the private key encrypted with a one-time
 * passphrase, decrypted here. The value is the PEM bundle: certificate, chain, then the unencrypted PKCS#8 key.
 * An export is kept per ARN while GetCertificate still answers the same certificate and chain, so a renewal
 * is picked up at the next read without paying for an export on every refresh. PushSecret imports a TLS Secret
 * (acm-push.ts).
 */
import { createPrivateKey, randomInt } from "node:crypto";
import {
  type ACMClient,
  DescribeCertificateCommand,
  ExportCertificateCommand,
  GetCertificateCommand,
} from "@aws-sdk/client-acm";
import { NotSupportedError, StoreConfigError } from "../errors.js";
import type {
  PushRemoteRef,
  PushSecretData,
  PushSource,
  RemoteRef,
  SecretsClient,
  ValidationResult,
} from "../provider.js";
import type { ArnCache } from "./acm-arn-cache.js";
import type { ExportCache } from "./acm-export-cache.js";
import { certificateFingerprint as fingerprint } from "./acm-fingerprint.js";
import { AcmPusher, type AcmPushSettings } from "./acm-push.js";
import { type CredentialProvider, credentialsReady } from "./kit/credentials.js";
import { awsCall } from "./kit/errors.js";

const PASSPHRASE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const PASSPHRASE_LENGTH = 32;

/** ACM accepts any ASCII passphrase but #, $ and %: letters and digits only. */
function passphrase(): string {
  let out = "";
  for (let i = 0; i < PASSPHRASE_LENGTH; i++) out += PASSPHRASE_CHARS[randomInt(PASSPHRASE_CHARS.length)];
  return out;
}

const trimEol = (s: string) => s.replace(/[\r\n]+$/, "");

function decryptKey(pem: string, pass: string, arn: string): string {
  try {
    return createPrivateKey({ key: pem, format: "pem", passphrase: pass })
      .export({ type: "pkcs8", format: "pem" })
      .toString();
  } catch {
    throw new Error(`aws: acm:ExportCertificate ${arn}: the exported private key could not be decrypted`);
  }
}

export class CertificateManagerSecrets implements SecretsClient {
  private readonly pusher: AcmPusher;

  constructor(
    private readonly acm: ACMClient,
    private readonly credentials: CredentialProvider,
    private readonly exports: ExportCache,
    arns: ArnCache,
    push: AcmPushSettings,
    private readonly release: () => void = () => this.acm.destroy(),
  ) {
    this.pusher = new AcmPusher(acm, credentials, arns, push);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const arn = ref.key;
    if (!arn) throw new StoreConfigError("aws: remoteRef.key must be the certificate ARN");
    const current = await awsCall(`acm:GetCertificate ${arn}`, () =>
      this.acm.send(new GetCertificateCommand({ CertificateArn: arn })),
    );
    const print = fingerprint(current.Certificate, current.CertificateChain);
    const kept = this.exports.get(arn, print);
    if (kept) return kept;
    const described = await awsCall(`acm:DescribeCertificate ${arn}`, () =>
      this.acm.send(new DescribeCertificateCommand({ CertificateArn: arn })),
    );
    if (described.Certificate?.Options?.Export !== "ENABLED") {
      throw new Error(`aws: certificate ${arn} is not exportable (Options.Export is not ENABLED)`);
    }
    const pass = passphrase();
    const exported = await awsCall(`acm:ExportCertificate ${arn}`, () =>
      this.acm.send(new ExportCertificateCommand({ CertificateArn: arn, Passphrase: Buffer.from(pass, "ascii") })),
    );
    const parts: string[] = [];
    if (exported.Certificate) parts.push(trimEol(exported.Certificate));
    if (exported.CertificateChain) parts.push(trimEol(exported.CertificateChain));
    if (exported.PrivateKey) parts.push(trimEol(decryptKey(exported.PrivateKey, pass, arn)));
    if (!parts.length) throw new Error(`aws: acm:ExportCertificate ${arn}: no data returned`);
    const pem = Buffer.from(`${parts.join("\n")}\n`, "utf8");
    this.exports.set(arn, print, pem);
    return pem;
  }

  async getSecretMap(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("aws: dataFrom.extract is not supported by the CertificateManager service");
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("aws: dataFrom.find is not supported by the CertificateManager service");
  }

  pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    return this.pusher.push(source, data);
  }

  deleteSecret(ref: PushRemoteRef): Promise<void> {
    return this.pusher.delete(ref);
  }

  secretExists(ref: PushRemoteRef): Promise<boolean> {
    return this.pusher.exists(ref);
  }

  validate(): Promise<ValidationResult> {
    return credentialsReady(this.credentials);
  }

  async close(): Promise<void> {
    this.release();
  }
}
