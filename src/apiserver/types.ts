/** Shapes shared by the API server's modules. */

export type KObj = Record<string, any>;

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** One REST resource (a group/resource pair), served in one or more versions. */
export interface ResourceType {
  group: string;
  versions: string[];
  storageVersion: string;
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  hasStatus: boolean;
  /** Set for custom resources: openAPIV3Schema per served version. */
  schemas?: Map<string, KObj | undefined>;
  printerColumns?: Map<string, PrinterColumn[]>;
  custom: boolean;
  /** metadata.generation is maintained (custom resources and CRDs). */
  generation: boolean;
  allowCreateOnUpdate: boolean;
  allowUnconditionalUpdate: boolean;
}

export const verbsAll = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function typeKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
