/**
 * Where each kind is served: the built-in kinds the operator uses, and the external-secrets.io kinds taken from
 * the API's own resource table (`src/api/resources.ts`, at their storage version), so each is declared once.
 */
import { GENERATORS_GROUP } from "../api/constants.js";
import { resources as esoResources } from "../api/resources.js";

/** `/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  /** URL segment, e.g. "externalsecrets". */
  plural: string;
  /** Filled into list items, which the API server sends without it. */
  kind?: string;
  namespaced: boolean;
}

export function apiVersionOf(rd: ResourceDescriptor): string {
  return rd.group ? `${rd.group}/${rd.version}` : rd.version;
}

/** Path of a collection (`name` omitted) or of one object, optionally a subresource. */
export function resourcePath(rd: ResourceDescriptor, namespace?: string, name?: string, subresource?: string): string {
  let p = rd.group ? `/apis/${rd.group}/${rd.version}` : `/api/${rd.version}`;
  if (rd.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${rd.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

const core = (plural: string, kind: string, namespaced = true): ResourceDescriptor => ({
  group: "",
  version: "v1",
  plural,
  kind,
  namespaced,
});

export const SECRETS = core("secrets", "Secret");
export const CONFIGMAPS = core("configmaps", "ConfigMap");
export const NAMESPACES = core("namespaces", "Namespace", false);
export const SERVICE_ACCOUNTS = core("serviceaccounts", "ServiceAccount");
export const EVENTS = core("events", "Event");
export const LEASES: ResourceDescriptor = {
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  kind: "Lease",
  namespaced: true,
};
export const CUSTOM_RESOURCE_DEFINITIONS: ResourceDescriptor = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
};
export const VALIDATING_WEBHOOK_CONFIGURATIONS: ResourceDescriptor = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  plural: "validatingwebhookconfigurations",
  kind: "ValidatingWebhookConfiguration",
  namespaced: false,
};

const BUILT_IN = [
  SECRETS,
  CONFIGMAPS,
  NAMESPACES,
  SERVICE_ACCOUNTS,
  EVENTS,
  LEASES,
  CUSTOM_RESOURCE_DEFINITIONS,
  VALIDATING_WEBHOOK_CONFIGURATIONS,
];

/** One of this API's kinds at `version` (default: its storage version). */
function esoResource(kind: string, version?: string): ResourceDescriptor | undefined {
  const def = esoResources.find((r) => r.kind === kind);
  const v = def?.versions.find((x) => (version === undefined ? x.storage : x.name === version));
  if (!def || !v) return undefined;
  return {
    group: def.group,
    version: v.name,
    plural: def.plural,
    kind: def.kind,
    namespaced: def.scope === "Namespaced",
  };
}

function declared(kind: string): ResourceDescriptor {
  const rd = esoResource(kind);
  if (!rd) throw new Error(`${kind} is missing from the API's resource table`);
  return rd;
}

export const EXTERNAL_SECRETS = declared("ExternalSecret");
export const CLUSTER_EXTERNAL_SECRETS = declared("ClusterExternalSecret");
export const SECRET_STORES = declared("SecretStore");
export const CLUSTER_SECRET_STORES = declared("ClusterSecretStore");
export const PUSH_SECRETS = declared("PushSecret");
export const CLUSTER_PUSH_SECRETS = declared("ClusterPushSecret");
export const GENERATOR_STATES = declared("GeneratorState");

/**
 * The resource of a generator kind a generatorRef names. A kind this API does not declare still gets the path
 * the API server would serve it at, so a typo reads as "not found" rather than as a different error.
 */
export function generatorResource(kind: string): ResourceDescriptor {
  const rd = esoResource(kind);
  if (rd && rd.group === GENERATORS_GROUP) return rd;
  return {
    group: GENERATORS_GROUP,
    version: "v1alpha1",
    plural: `${kind.toLowerCase()}s`,
    kind,
    namespaced: kind !== "ClusterGenerator",
  };
}

/** The resource of a manifest's apiVersion and kind: a built-in kind above or one of this API's kinds. */
export function resourceFor(apiVersion: string, kind: string): ResourceDescriptor | undefined {
  const builtIn = BUILT_IN.find((rd) => rd.kind === kind && apiVersionOf(rd) === apiVersion);
  if (builtIn) return builtIn;
  const slash = apiVersion.lastIndexOf("/");
  const rd = slash < 0 ? undefined : esoResource(kind, apiVersion.slice(slash + 1));
  return rd && rd.group === apiVersion.slice(0, slash) ? rd : undefined;
}
