/** CustomResourceDefinition handling: validation, status, and the ResourceType a CRD serves. */
import type { FieldError } from "./errors.js";
import type { KObj, PrinterColumn, ResourceType } from "./types.js";
import { now } from "./util.js";

export function validateCRD(obj: KObj, old: KObj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec;
  if (!spec || typeof spec !== "object") return [{ field: "spec", type: "Required", detail: "" }];
  if (!spec.group) errs.push({ field: "spec.group", type: "Required", detail: "" });
  const names = spec.names ?? {};
  if (!names.plural) errs.push({ field: "spec.names.plural", type: "Required", detail: "" });
  if (!names.kind) errs.push({ field: "spec.names.kind", type: "Required", detail: "" });
  if (names.kind && !names.listKind) names.listKind = `${names.kind}List`;
  if (names.kind && !names.singular) names.singular = String(names.kind).toLowerCase();
  spec.names = names;
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    errs.push({
      field: "spec.scope",
      type: "NotSupported",
      value: spec.scope ?? "",
      detail: 'supported values: "Cluster", "Namespaced"',
    });
  }
  if (spec.group && names.plural && obj.metadata.name !== `${names.plural}.${spec.group}`) {
    errs.push({
      field: "metadata.name",
      type: "Invalid",
      value: obj.metadata.name,
      detail: 'must be spec.names.plural+"."+spec.group',
    });
  }
  const versions: KObj[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0)
    errs.push({
      field: "spec.versions",
      type: "Invalid",
      value: versions,
      detail: "must have exactly one version marked as storage version",
    });
  else if (versions.filter((v) => v.storage).length !== 1) {
    errs.push({
      field: "spec.versions",
      type: "Invalid",
      value: versions,
      detail: "must have exactly one version marked as storage version",
    });
  }
  versions.forEach((v, i) => {
    if (!v.name) errs.push({ field: `spec.versions[${i}].name`, type: "Required", detail: "" });
    if (typeof v.served !== "boolean") errs.push({ field: `spec.versions[${i}].served`, type: "Required", detail: "" });
    if (typeof v.storage !== "boolean")
      errs.push({ field: `spec.versions[${i}].storage`, type: "Required", detail: "" });
  });
  if (!spec.conversion) spec.conversion = { strategy: "None" };
  if (old) {
    if (old.spec?.group !== spec.group)
      errs.push({ field: "spec.group", type: "Invalid", value: spec.group, detail: "field is immutable" });
    if (old.spec?.names?.plural !== names.plural) {
      errs.push({ field: "spec.names.plural", type: "Invalid", value: names.plural, detail: "field is immutable" });
    }
    if (old.spec?.scope !== spec.scope)
      errs.push({ field: "spec.scope", type: "Invalid", value: spec.scope, detail: "field is immutable" });
  }
  return errs;
}

export function crdStatus(obj: KObj, old?: KObj): KObj {
  const t = old?.conditions?.[0]?.lastTransitionTime ?? now();
  const storage = (obj.spec.versions as KObj[]).find((v) => v.storage)?.name;
  const stored = new Set<string>(old?.storedVersions ?? []);
  if (storage) stored.add(storage);
  return {
    acceptedNames: obj.spec.names,
    conditions: [
      {
        type: "NamesAccepted",
        status: "True",
        lastTransitionTime: t,
        reason: "NoConflicts",
        message: "no conflicts found",
      },
      {
        type: "Established",
        status: "True",
        lastTransitionTime: t,
        reason: "InitialNamesAccepted",
        message: "the initial names have been accepted",
      },
    ],
    storedVersions: [...stored],
  };
}

export function typeFromCRD(crd: KObj): ResourceType {
  const spec = crd.spec;
  const versions: KObj[] = spec.versions ?? [];
  const served = versions.filter((v) => v.served);
  const schemas = new Map<string, KObj | undefined>();
  const printerColumns = new Map<string, PrinterColumn[]>();
  for (const v of served) {
    schemas.set(v.name, v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema);
    printerColumns.set(v.name, v.additionalPrinterColumns ?? spec.additionalPrinterColumns ?? []);
  }
  return {
    group: spec.group,
    versions: served.map((v) => v.name),
    storageVersion: versions.find((v) => v.storage)?.name ?? versions[0]?.name,
    resource: spec.names.plural,
    singular: spec.names.singular ?? String(spec.names.kind).toLowerCase(),
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    namespaced: spec.scope !== "Cluster",
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    hasStatus: versions.some((v) => v.subresources?.status !== undefined) || spec.subresources?.status !== undefined,
    schemas,
    printerColumns,
    custom: true,
    generation: true,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: false,
  };
}
