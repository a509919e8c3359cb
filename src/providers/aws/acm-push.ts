/**
 * PushSecret into AWS Certificate Manager, as upstream: the whole kubernetes.io/tls Secret (secretKey must be
 * empty) is imported with ImportCertificate: the first CERTIFICATE block of tls.crt is the certificate, the others
 * the chain, tls.key the private key. The certificate a remote key maps to is the one tagged
 * managed-by=external-secrets and external-secrets-remote-key=<prefix + remoteKey> (found with the tagging API's
 * GetResources, remembered per store); a changed certificate is re-imported to the same ARN, an unchanged one only
 * has its tags brought in line with metadata.spec.tags. Deletion removes only a certificate carrying the
 * managed-by tag. No value of the Secret ever appears in an error.
 */
import { X509Certificate } from "node:crypto";
import {
  type ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  GetCertificateCommand,
  type GetCertificateCommandOutput,
  ImportCertificateCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
} from "@aws-sdk/client-acm";
import { StoreConfigError } from "../errors.js";
import type { PushRemoteRef, PushSecretData, PushSource } from "../provider.js";
import type { ArnCache } from "./acm-arn-cache.js";
import { certificateFingerprint } from "./acm-fingerprint.js";
import { findResourcesByTags } from "./acm-tagging.js";
import type { CredentialProvider } from "./kit/credentials.js";
import { awsErrorCode, mapAwsError } from "./kit/errors.js";
import type { AwsSdkTuning } from "./kit/sdk-options.js";
import { OWNERSHIP_TAG, parsePushMetadata } from "./push-metadata.js";

export const REMOTE_KEY_TAG = "external-secrets-remote-key";
const TLS_CERT = "tls.crt";
const TLS_KEY = "tls.key";
const RESOURCE_TYPE = "acm:certificate";
const NOT_FOUND = "ResourceNotFoundException";

export interface AcmPushSettings {
  region: string;
  prefix: string;
  tuning: AwsSdkTuning;
}

interface Bundle {
  leaf: string;
  chain: string;
  key: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** PEM as Go's encoder writes it: base64 in 64-character lines, a newline after the end line. */
function encodePem(der: Buffer): string {
  const b64 = der.toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** The leaf (first CERTIFICATE block, which must parse) and the chain (the others, re-encoded and joined). */
export function splitCertificatePem(pem: Buffer): { leaf: string; chain: string } {
  const ders: Buffer[] = [];
  for (const m of pem.toString("utf8").matchAll(PEM_BLOCK)) {
    if (m[1] !== "CERTIFICATE") continue;
    const body = m[2]!.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    ders.push(Buffer.from(body, "base64"));
  }
  if (ders.length === 0)
    throw new StoreConfigError(`aws: failed to parse "${TLS_CERT}": no CERTIFICATE PEM blocks found`);
  try {
    new X509Certificate(ders[0]!);
  } catch {
    throw new StoreConfigError(`aws: failed to parse "${TLS_CERT}": the leaf certificate is not valid X.509`);
  }
  return { leaf: encodePem(ders[0]!), chain: ders.slice(1).map(encodePem).join("") };
}

function bundleOf(source: PushSource): Bundle {
  const cert = source.data[TLS_CERT];
  const key = source.data[TLS_KEY];
  const where = `secret ${source.namespace}/${source.name}`;
  if (!cert?.length) throw new StoreConfigError(`aws: key "${TLS_CERT}" not found or empty in ${where}`);
  if (!key?.length) throw new StoreConfigError(`aws: key "${TLS_KEY}" not found or empty in ${where}`);
  return { ...splitCertificatePem(cert), key };
}

const isReserved = (k: string) => k === OWNERSHIP_TAG.key || k === REMOTE_KEY_TAG;

export class AcmPusher {
  constructor(
    private readonly acm: ACMClient,
    private readonly credentials: CredentialProvider,
    private readonly arns: ArnCache,
    private readonly settings: AcmPushSettings,
  ) {}

  async push(source: PushSource, data: PushSecretData): Promise<void> {
    if (data.secretKey) {
      throw new StoreConfigError(
        "aws: secretKey must be empty for the CertificateManager service: the whole kubernetes.io/tls secret is pushed (tls.crt and tls.key)",
      );
    }
    const tags = parsePushMetadata<{ tags: Record<string, string> }>(data.metadata).tags ?? {};
    const bundle = bundleOf(source);
    const remoteKey = this.settings.prefix + data.remoteRef.remoteKey;
    const arn = await this.find(remoteKey);
    if (arn) return this.reimport(arn, bundle, remoteKey, tags);
    return this.importNew(bundle, remoteKey, tags);
  }

  async exists(ref: PushRemoteRef): Promise<boolean> {
    const remoteKey = this.settings.prefix + ref.remoteKey;
    const arn = await this.find(remoteKey);
    if (!arn) return false;
    if ((await this.listTags(arn)) === undefined) {
      this.arns.delete(remoteKey);
      return false;
    }
    return true;
  }

  async delete(ref: PushRemoteRef): Promise<void> {
    const remoteKey = this.settings.prefix + ref.remoteKey;
    const arn = await this.find(remoteKey);
    if (!arn) return;
    const tags = await this.listTags(arn);
    if (tags === undefined) {
      this.arns.delete(remoteKey);
      return;
    }
    if (tags[OWNERSHIP_TAG.key] !== OWNERSHIP_TAG.value) {
      throw new Error(`aws: certificate ${arn} is not managed by external-secrets`);
    }
    await this.send(`acm:DeleteCertificate ${arn}`, () =>
      this.acm.send(new DeleteCertificateCommand({ CertificateArn: arn })),
    );
    this.arns.delete(remoteKey);
  }

  private async find(remoteKey: string): Promise<string | undefined> {
    const kept = this.arns.get(remoteKey);
    if (kept) return kept;
    const arns = await findResourcesByTags(
      this.settings.region,
      this.credentials,
      this.settings.tuning,
      RESOURCE_TYPE,
      [
        { key: OWNERSHIP_TAG.key, values: [OWNERSHIP_TAG.value] },
        { key: REMOTE_KEY_TAG, values: [remoteKey] },
      ],
    );
    if (arns.length === 0) return undefined;
    // More than one match (a manual copy, an import raced): the lexically smallest, as upstream picks.
    const arn = [...arns].sort()[0]!;
    this.arns.set(remoteKey, arn);
    return arn;
  }

  private async reimport(arn: string, b: Bundle, remoteKey: string, tags: Record<string, string>): Promise<void> {
    let current: GetCertificateCommandOutput;
    try {
      current = await this.acm.send(new GetCertificateCommand({ CertificateArn: arn }));
    } catch (err) {
      if (awsErrorCode(err) !== NOT_FOUND) throw mapAwsError(err, `acm:GetCertificate ${arn}`);
      // Deleted behind our back: import afresh.
      this.arns.delete(remoteKey);
      return this.importNew(b, remoteKey, tags);
    }
    // ACM answers the chain with the certificate itself when none was imported.
    const live = certificateFingerprint(current.Certificate, current.CertificateChain);
    if (live !== certificateFingerprint(b.leaf, b.chain || b.leaf)) {
      await this.send(`acm:ImportCertificate ${arn}`, () =>
        this.acm.send(
          new ImportCertificateCommand({
            CertificateArn: arn,
            Certificate: Buffer.from(b.leaf),
            PrivateKey: b.key,
            ...(b.chain ? { CertificateChain: Buffer.from(b.chain) } : {}),
          }),
        ),
      );
    }
    await this.syncTags(arn, tags);
  }

  private async importNew(b: Bundle, remoteKey: string, tags: Record<string, string>): Promise<void> {
    const out = await this.send("acm:ImportCertificate", () =>
      this.acm.send(
        new ImportCertificateCommand({
          Certificate: Buffer.from(b.leaf),
          PrivateKey: b.key,
          ...(b.chain ? { CertificateChain: Buffer.from(b.chain) } : {}),
          Tags: [
            { Key: OWNERSHIP_TAG.key, Value: OWNERSHIP_TAG.value },
            { Key: REMOTE_KEY_TAG, Value: remoteKey },
          ],
        }),
      ),
    );
    const arn = out.CertificateArn;
    if (!arn) throw new Error("aws: acm:ImportCertificate returned no certificate ARN");
    this.arns.set(remoteKey, arn);
    await this.syncTags(arn, tags);
  }

  /** The certificate's tags, undefined when the certificate is gone. */
  private async listTags(arn: string): Promise<Record<string, string> | undefined> {
    try {
      const out = await this.acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
      const tags: Record<string, string> = {};
      for (const t of out.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? "";
      return tags;
    } catch (err) {
      if (awsErrorCode(err) === NOT_FOUND) return undefined;
      throw mapAwsError(err, `acm:ListTagsForCertificate ${arn}`);
    }
  }

  /** metadata.spec.tags onto the certificate: others removed, missing or changed ones set; ours left alone. */
  private async syncTags(arn: string, desired: Record<string, string>): Promise<void> {
    const current = await this.listTags(arn);
    if (current === undefined) throw new Error(`aws: failed to sync certificate tags: certificate ${arn} not found`);
    const remove = Object.entries(current)
      .filter(([k]) => !isReserved(k) && !(k in desired))
      .map(([Key, Value]) => ({ Key, Value }));
    const add = Object.entries(desired)
      .filter(([k, v]) => !isReserved(k) && current[k] !== v)
      .map(([Key, Value]) => ({ Key, Value }));
    if (remove.length) {
      await this.send(`acm:RemoveTagsFromCertificate ${arn}`, () =>
        this.acm.send(new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: remove })),
      );
    }
    if (add.length) {
      await this.send(`acm:AddTagsToCertificate ${arn}`, () =>
        this.acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: add })),
      );
    }
  }

  private async send<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapAwsError(err, what);
    }
  }
}
