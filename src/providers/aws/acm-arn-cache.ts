/**
 * Remote key -> certificate ARN, kept after an import or a tag lookup: the tagging index answers late for a new
 * certificate (eventual consistency), and every push would otherwise search by tags first. An ARN is always
 * checked against ACM before use (GetCertificate / ListTagsForCertificate), so a stale entry is only dropped.
 */
const ARN_TTL_MS = 24 * 3600_000;
const MAX_ARNS = 512;

export class ArnCache {
  private readonly entries = new Map<string, { arn: string; at: number }>();

  get(remoteKey: string): string | undefined {
    const e = this.entries.get(remoteKey);
    if (!e) return undefined;
    if (Date.now() - e.at > ARN_TTL_MS) {
      this.entries.delete(remoteKey);
      return undefined;
    }
    return e.arn;
  }

  set(remoteKey: string, arn: string): void {
    this.entries.delete(remoteKey);
    this.entries.set(remoteKey, { arn, at: Date.now() });
    while (this.entries.size > MAX_ARNS) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(remoteKey: string): void {
    this.entries.delete(remoteKey);
  }

  clear(): void {
    this.entries.clear();
  }
}
