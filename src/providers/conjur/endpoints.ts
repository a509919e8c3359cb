/** Conjur URLs: the appliance base (Secrets Manager SaaS serves its API under /api) and the resource-id forms. */

// Secrets Manager SaaS hosts; the Conjur client libraries add /api to these bases, so do we.
const SAAS_HOST =
  /(\.secretsmgr|-secretsmanager)(\.cyberark\.cloud|\.integration-cyberark\.cloud|\.test-cyberark\.cloud|\.dev-cyberark\.cloud|\.sandbox-cyberark\.cloud|\.pt-cyberark\.cloud)/;

export function applianceBase(url: string): string {
  const base = url.replace(/\/+$/, "");
  if (SAAS_HOST.test(base) && !base.includes("/api")) return `${base}/api`;
  return base;
}

/** A remote key is a variable path, or a full resource id `account:variable:path` naming its own account. */
export function variableId(key: string, account: string): { account: string; id: string } {
  const parts = key.split(":");
  if (parts.length >= 3 && parts[1] === "variable") return { account: parts[0]!, id: parts.slice(2).join(":") };
  return { account, id: key };
}

/** The variable path of a full resource id (`account:variable:path` -> `path`), as find results are keyed. */
export function shortName(resourceId: string): string {
  const parts = resourceId.split(":");
  return parts.length >= 3 ? parts.slice(2).join(":") : resourceId;
}
