/** Discovery documents: legacy (/api, /apis, /api/v1, /apis/G/V) and aggregated (apidiscovery.k8s.io/v2). */
import { createHash } from "node:crypto";
import type { TypeStore } from "./store.js";
import { apiVersionOf, type KObj, type ResourceType, verbsAll } from "./types.js";

export const serverVersion = {
  major: "1",
  minor: "35",
  gitVersion: "v1.35.0",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-12-17T00:00:00Z",
  goVersion: "go1.25.5",
  compiler: "gc",
  platform: "linux/amd64",
};

interface GroupInfo {
  name: string;
  versions: string[];
  preferred: string;
  types: ResourceType[];
}

/** Groups in a stable order: built-in groups first, then custom groups alphabetically. */
export function groups(types: Iterable<TypeStore>): GroupInfo[] {
  const byGroup = new Map<string, GroupInfo>();
  for (const ts of types) {
    const rt = ts.rt;
    let g = byGroup.get(rt.group);
    if (!g) {
      g = { name: rt.group, versions: [], preferred: rt.storageVersion, types: [] };
      byGroup.set(rt.group, g);
    }
    g.types.push(rt);
    for (const v of rt.versions) if (!g.versions.includes(v)) g.versions.push(v);
  }
  for (const g of byGroup.values()) {
    g.versions.sort(compareVersions);
    g.preferred = g.versions[0]!;
  }
  return [...byGroup.values()].sort((a, b) => {
    const ac = a.types.some((t) => t.custom);
    const bc = b.types.some((t) => t.custom);
    if (ac !== bc) return ac ? 1 : -1;
    return a.name.localeCompare(b.name);
  });
}

/** kube's version priority: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, v] as const;
    const stage = m[2] === "alpha" ? 1 : m[2] === "beta" ? 2 : 3;
    return [1, stage, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 4; i++) {
    if (pa[i] !== pb[i]) {
      if (typeof pa[i] === "string") return String(pa[i]).localeCompare(String(pb[i]));
      return (pb[i] as number) - (pa[i] as number);
    }
  }
  return 0;
}

export function apiVersions(hostPort: string): KObj {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: hostPort }],
  };
}

export function apiGroupList(types: Iterable<TypeStore>): KObj {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups(types)
      .filter((g) => g.name !== "")
      .map((g) => ({
        name: g.name,
        versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g.name}/${g.preferred}`, version: g.preferred },
      })),
  };
}

export function apiGroup(types: Iterable<TypeStore>, name: string): KObj | undefined {
  const g = groups(types).find((x) => x.name === name);
  if (!g) return undefined;
  return {
    kind: "APIGroup",
    apiVersion: "v1",
    name,
    versions: g.versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${g.preferred}`, version: g.preferred },
  };
}

/** kube lists a custom resource's verbs in this order; namespaces have no deletecollection. */
const customVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

function verbsOf(rt: ResourceType): string[] {
  if (rt.custom) return customVerbs;
  if (rt.group === "" && rt.resource === "namespaces") return verbsAll.filter((v) => v !== "deletecollection");
  return verbsAll;
}

/** kube's hash of the storage group/version/kind: the first 8 bytes of its SHA-256, in base64. */
function storageVersionHash(rt: ResourceType): string {
  return createHash("sha256")
    .update(`${rt.group}/${rt.storageVersion}/${rt.kind}`)
    .digest()
    .subarray(0, 8)
    .toString("base64");
}

export function apiResourceList(types: Iterable<TypeStore>, group: string, version: string): KObj | undefined {
  const resources: KObj[] = [];
  let found = false;
  for (const ts of types) {
    const rt = ts.rt;
    if (rt.group !== group || !rt.versions.includes(version)) continue;
    found = true;
    const r: KObj = {
      name: rt.resource,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: verbsOf(rt),
    };
    if (rt.shortNames.length) r.shortNames = rt.shortNames;
    if (rt.categories.length) r.categories = rt.categories;
    r.storageVersionHash = storageVersionHash(rt);
    resources.push(r);
    if (rt.hasStatus) {
      resources.push({
        name: `${rt.resource}/status`,
        singularName: "",
        namespaced: rt.namespaced,
        kind: rt.kind,
        verbs: ["get", "patch", "update"],
      });
    }
    if (group === "" && rt.resource === "serviceaccounts") {
      resources.push({
        name: "serviceaccounts/token",
        singularName: "",
        namespaced: true,
        group: "authentication.k8s.io",
        version: "v1",
        kind: "TokenRequest",
        verbs: ["create"],
      });
    }
  }
  if (!found) return undefined;
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(group, version), resources };
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for /api (core only) or /apis (everything else). */
export function aggregated(types: Iterable<TypeStore>, core: boolean, discoveryVersion: string): KObj {
  const items = groups(types)
    .filter((g) => (g.name === "") === core)
    .map((g) => ({
      metadata: g.name ? { name: g.name } : {},
      versions: g.versions.map((v) => ({
        version: v,
        freshness: "Current",
        resources: g.types
          .filter((rt) => rt.versions.includes(v))
          .map((rt) => {
            const r: KObj = {
              resource: rt.resource,
              responseKind: { group: rt.group, version: v, kind: rt.kind },
              scope: rt.namespaced ? "Namespaced" : "Cluster",
              singularResource: rt.singular,
              verbs: verbsOf(rt),
            };
            if (rt.shortNames.length) r.shortNames = rt.shortNames;
            if (rt.categories.length) r.categories = rt.categories;
            const subs: KObj[] = [];
            if (rt.hasStatus) {
              subs.push({
                subresource: "status",
                responseKind: { group: rt.group, version: v, kind: rt.kind },
                verbs: ["get", "patch", "update"],
              });
            }
            if (core && rt.resource === "serviceaccounts") {
              subs.push({
                subresource: "token",
                responseKind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
                verbs: ["create"],
              });
            }
            if (subs.length) r.subresources = subs;
            return r;
          }),
      })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${discoveryVersion}`, metadata: {}, items };
}
