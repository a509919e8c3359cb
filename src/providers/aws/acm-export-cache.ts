/**
 * ACM exports kept per certificate ARN with the fingerprint of the certificate and chain they were taken from:
 * ExportCertificate is a paid call for public certificates, so a refresh re-exports only after a renewal.
 * Bounded and aged; one cache lives with each store's SDK client (same store, same credentials).
 */
const EXPORT_TTL_MS = 24 * 3600_000;
const MAX_EXPORTS = 128;

interface KeptExport {
  fingerprint: string;
  pem: Buffer;
  at: number;
}

export class ExportCache {
  private readonly entries = new Map<string, KeptExport>();

  get(arn: string, fingerprint: string): Buffer | undefined {
    const e = this.entries.get(arn);
    if (!e || e.fingerprint !== fingerprint || Date.now() - e.at > EXPORT_TTL_MS) return undefined;
    return e.pem;
  }

  set(arn: string, fingerprint: string, pem: Buffer): void {
    this.entries.delete(arn);
    this.entries.set(arn, { fingerprint, pem, at: Date.now() });
    while (this.entries.size > MAX_EXPORTS) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
