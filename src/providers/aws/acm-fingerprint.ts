import { createHash } from "node:crypto";

const trimEol = (s: string) => s.replace(/[\r\n]+$/, "");

/** SHA-256 of a certificate and its chain (trailing line ends dropped), to tell a changed certificate from the same. */
export function certificateFingerprint(cert: string | undefined, chain: string | undefined): string {
  const h = createHash("sha256").update(trimEol(cert ?? ""));
  const c = trimEol(chain ?? "");
  if (c) h.update(c);
  return h.digest("hex");
}
