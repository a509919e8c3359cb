/**
 * The table of every kind this API serves: names, scope, versions with their schemas, printer columns.
 * crds.ts renders it into CustomResourceDefinitions; validation looks schemas up here.
 */
import type { TSchema } from "@sinclair/typebox";
import { ClusterExternalSecretSchema, clusterExternalSecretSchema } from "./clusterexternalsecret.js";
import { CATEGORY, GENERATORS_CATEGORY, GENERATORS_GROUP, GROUP } from "./constants.js";
import { ExternalSecretSchema, externalSecretSchema } from "./externalsecret.js";
import {
  ClusterGeneratorSchema,
  GeneratorKinds,
  GeneratorStateSchema,
  generatorKinds,
  generatorObjectSchema,
} from "./generators.js";
import { ClusterPushSecretSchema, PushSecretSchema } from "./pushsecret.js";
import { SecretStoreSchema, secretStoreSchema } from "./secretstore.js";

export interface PrinterColumn {
  name: string;
  type: "string" | "date" | "integer" | "boolean" | "number";
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface ResourceVersion {
  name: string;
  storage: boolean;
  schema: TSchema;
}

export interface ResourceDef {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: "Namespaced" | "Cluster";
  versions: ResourceVersion[];
  printerColumns: PrinterColumn[];
  status: boolean;
}

const readyStatus: PrinterColumn = {
  name: "Ready",
  type: "string",
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};
const readyReason: PrinterColumn = {
  name: "Status",
  type: "string",
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
};
const age: PrinterColumn = { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" };
const lastSync: PrinterColumn = { name: "Last Sync", type: "date", jsonPath: ".status.refreshTime" };

const storeColumns: PrinterColumn[] = [
  age,
  readyReason,
  { name: "Capabilities", type: "string", jsonPath: ".status.capabilities" },
  readyStatus,
];

const v1AndBeta = (v1: TSchema, v1beta1: TSchema): ResourceVersion[] => [
  { name: "v1", storage: true, schema: v1 },
  { name: "v1beta1", storage: false, schema: v1beta1 },
];

function generator(kind: string, plural: string, schema: TSchema, scope: "Namespaced" | "Cluster" = "Namespaced") {
  return {
    group: GENERATORS_GROUP,
    kind,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [CATEGORY, GENERATORS_CATEGORY],
    scope,
    versions: [{ name: "v1alpha1", storage: true, schema }],
    printerColumns: [],
    status: true,
  } satisfies ResourceDef;
}

export const resources: ResourceDef[] = [
  {
    group: GROUP,
    kind: "SecretStore",
    plural: "secretstores",
    singular: "secretstore",
    shortNames: ["ss"],
    categories: [CATEGORY],
    scope: "Namespaced",
    versions: v1AndBeta(SecretStoreSchema, secretStoreSchema("v1beta1")),
    printerColumns: storeColumns,
    status: true,
  },
  {
    group: GROUP,
    kind: "ClusterSecretStore",
    plural: "clustersecretstores",
    singular: "clustersecretstore",
    shortNames: ["css"],
    categories: [CATEGORY],
    scope: "Cluster",
    versions: v1AndBeta(SecretStoreSchema, secretStoreSchema("v1beta1")),
    printerColumns: storeColumns,
    status: true,
  },
  {
    group: GROUP,
    kind: "ExternalSecret",
    plural: "externalsecrets",
    singular: "externalsecret",
    shortNames: ["es"],
    categories: [CATEGORY],
    scope: "Namespaced",
    versions: v1AndBeta(ExternalSecretSchema, externalSecretSchema("v1beta1")),
    printerColumns: [
      { name: "StoreType", type: "string", jsonPath: ".spec.secretStoreRef.kind" },
      { name: "Store", type: "string", jsonPath: ".spec.secretStoreRef.name" },
      { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshInterval" },
      readyReason,
      readyStatus,
      lastSync,
    ],
    status: true,
  },
  {
    group: GROUP,
    kind: "ClusterExternalSecret",
    plural: "clusterexternalsecrets",
    singular: "clusterexternalsecret",
    shortNames: ["ces"],
    categories: [CATEGORY],
    scope: "Cluster",
    versions: v1AndBeta(ClusterExternalSecretSchema, clusterExternalSecretSchema("v1beta1")),
    printerColumns: [
      { name: "Store", type: "string", jsonPath: ".spec.externalSecretSpec.secretStoreRef.name" },
      { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshTime" },
      readyStatus,
    ],
    status: true,
  },
  {
    group: GROUP,
    kind: "PushSecret",
    plural: "pushsecrets",
    singular: "pushsecret",
    shortNames: ["ps"],
    categories: [CATEGORY],
    scope: "Namespaced",
    versions: [{ name: "v1alpha1", storage: true, schema: PushSecretSchema }],
    printerColumns: [age, readyReason, lastSync],
    status: true,
  },
  {
    group: GROUP,
    kind: "ClusterPushSecret",
    plural: "clusterpushsecrets",
    singular: "clusterpushsecret",
    shortNames: ["cps"],
    categories: [CATEGORY],
    scope: "Cluster",
    versions: [{ name: "v1alpha1", storage: true, schema: ClusterPushSecretSchema }],
    printerColumns: [age, readyReason],
    status: true,
  },
  ...GeneratorKinds.map((kind) =>
    generator(kind, generatorKinds[kind].plural, generatorObjectSchema(generatorKinds[kind].spec)),
  ),
  generator("ClusterGenerator", "clustergenerators", ClusterGeneratorSchema, "Cluster"),
  {
    ...generator("GeneratorState", "generatorstates", GeneratorStateSchema),
    shortNames: ["gs"],
    printerColumns: [
      { name: "GC Deadline", type: "string", jsonPath: ".spec.garbageCollectionDeadline" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
  },
];

/** The resource definition for an apiVersion/kind pair, or undefined when this API does not serve it. */
export function findResource(
  apiVersion: string,
  kind: string,
): { def: ResourceDef; version: ResourceVersion } | undefined {
  const slash = apiVersion.lastIndexOf("/");
  if (slash < 0) return undefined;
  const group = apiVersion.slice(0, slash);
  const versionName = apiVersion.slice(slash + 1);
  const def = resources.find((r) => r.group === group && r.kind === kind);
  const version = def?.versions.find((v) => v.name === versionName);
  return def && version ? { def, version } : undefined;
}

/** True when apiVersion belongs to one of this API's groups (any version, any kind). */
export function isOwnGroup(apiVersion: string): boolean {
  const group = apiVersion.slice(0, Math.max(0, apiVersion.lastIndexOf("/")));
  return group === GROUP || group === GENERATORS_GROUP;
}
