/** Per-kind rules for built-in resources: Secret/ConfigMap validation, immutability, names. */
import { ApiError, type FieldError } from "./errors.js";
import type { KObj } from "./types.js";
import { deepEqual } from "./util.js";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const configKey = /^[-._a-zA-Z0-9]+$/;
const base64Re = /^[A-Za-z0-9+/]*={0,2}$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const maxSecretBytes = 1024 * 1024;

export function validateName(resource: string, name: string, path = "metadata.name"): FieldError[] {
  if (resource === "namespaces") {
    if (name.length > 63 || !dns1123Label.test(name)) {
      return [
        {
          field: path,
          type: "Invalid",
          value: name,
          detail:
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        },
      ];
    }
    return [];
  }
  if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return [
      {
        field: path,
        type: "Invalid",
        value: name,
        detail:
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      },
    ];
  }
  return [];
}

function validQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] ?? "";
  if (name.length > 63 || !qualifiedNamePart.test(name)) return false;
  if (parts.length === 2) return parts[0]!.length > 0 && parts[0]!.length <= 253 && dns1123Subdomain.test(parts[0]!);
  return true;
}

export function validateMeta(meta: KObj): FieldError[] {
  const errs: FieldError[] = [];
  const labels = meta.labels;
  if (labels !== undefined && labels !== null) {
    if (typeof labels !== "object" || Array.isArray(labels)) {
      errs.push({ field: "metadata.labels", type: "Invalid", value: labels, detail: "must be a map of strings" });
    } else {
      for (const [k, v] of Object.entries(labels)) {
        if (!validQualifiedName(k)) {
          errs.push({
            field: "metadata.labels",
            type: "Invalid",
            value: k,
            detail:
              "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          });
        }
        if (typeof v !== "string" || v.length > 63 || !labelValue.test(v)) {
          errs.push({
            field: "metadata.labels",
            type: "Invalid",
            value: v,
            detail:
              "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          });
        }
      }
    }
  }
  const annotations = meta.annotations;
  if (annotations !== undefined && annotations !== null) {
    for (const [k, v] of Object.entries(annotations as KObj)) {
      if (!validQualifiedName(k)) {
        errs.push({
          field: "metadata.annotations",
          type: "Invalid",
          value: k,
          detail:
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        });
      }
      if (typeof v !== "string") {
        errs.push({ field: `metadata.annotations[${k}]`, type: "Invalid", value: v, detail: "must be a string" });
      }
    }
  }
  if (meta.finalizers !== undefined && !Array.isArray(meta.finalizers)) {
    errs.push({ field: "metadata.finalizers", type: "Invalid", value: meta.finalizers, detail: "must be a list" });
  }
  if (Array.isArray(meta.ownerReferences)) {
    meta.ownerReferences.forEach((r: KObj, i: number) => {
      for (const f of ["apiVersion", "kind", "name", "uid"]) {
        if (!r?.[f]) errs.push({ field: `metadata.ownerReferences[${i}].${f}`, type: "Required", detail: "" });
      }
    });
    const controllers = meta.ownerReferences.filter((r: KObj) => r?.controller === true).length;
    if (controllers > 1) {
      errs.push({
        field: "metadata.ownerReferences",
        type: "Invalid",
        value: meta.ownerReferences,
        detail: "Only one reference can have Controller set to true",
      });
    }
  }
  return errs;
}

function keyErrors(field: string, key: string): FieldError[] {
  if (key.length > 253 || !configKey.test(key) || key === "." || key === "..") {
    return [
      {
        field: `${field}[${key}]`,
        type: "Invalid",
        value: key,
        detail:
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      },
    ];
  }
  return [];
}

/** Decodes check only: a bad value is a 400 decode error in kube, before validation runs. */
function checkBase64(kind: string, field: KObj | undefined): number {
  let total = 0;
  if (!field) return 0;
  if (typeof field !== "object" || Array.isArray(field)) {
    throw new ApiError(
      400,
      `${kind} in version "v1" cannot be handled as a ${kind}: data must be a map of base64 strings`,
      "BadRequest",
    );
  }
  for (const v of Object.values(field)) {
    if (v === null) continue;
    if (typeof v !== "string" || v.length % 4 !== 0 || !base64Re.test(v)) {
      const s = String(v);
      let at = 0;
      while (at < s.length && /[A-Za-z0-9+/=]/.test(s[at]!)) at++;
      throw new ApiError(
        400,
        `${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${Math.min(at, s.length)}`,
        "BadRequest",
      );
    }
    total += Math.floor((v.length * 3) / 4) - (v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0);
  }
  return total;
}

const requiredKeys: Record<string, string[][]> = {
  "kubernetes.io/tls": [["tls.crt"], ["tls.key"]],
  "kubernetes.io/dockerconfigjson": [[".dockerconfigjson"]],
  "kubernetes.io/dockercfg": [[".dockercfg"]],
  "kubernetes.io/ssh-auth": [["ssh-privatekey"]],
};

/** Normalizes a Secret (default type, stringData folded into data) and returns its validation errors. */
export function prepareSecret(obj: KObj, old: KObj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.type === undefined || obj.type === "") obj.type = "Opaque";
  if (obj.data === null) delete obj.data;
  let bytes = checkBase64("Secret", obj.data);
  if (obj.stringData && typeof obj.stringData === "object") {
    const data: KObj = { ...(obj.data ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData as KObj)) {
      const b = Buffer.from(String(v ?? ""), "utf8");
      data[k] = b.toString("base64");
    }
    obj.data = data;
    bytes = checkBase64("Secret", obj.data);
  }
  delete obj.stringData;
  for (const k of Object.keys(obj.data ?? {})) errs.push(...keyErrors("data", k));
  if (bytes > maxSecretBytes)
    errs.push({ field: "data", type: "TooLong", detail: `must have at most ${maxSecretBytes} bytes` });
  const data = (obj.data ?? {}) as KObj;
  for (const group of requiredKeys[obj.type] ?? []) {
    if (!group.some((k) => data[k] !== undefined))
      errs.push({ field: `data[${group[0]}]`, type: "Required", detail: "" });
  }
  if (obj.type === "kubernetes.io/dockerconfigjson" && typeof data[".dockerconfigjson"] === "string") {
    try {
      JSON.parse(Buffer.from(data[".dockerconfigjson"], "base64").toString("utf8"));
    } catch {
      // JSON.parse's message quotes the input, and the input is a secret.
      errs.push({
        field: "data[.dockerconfigjson]",
        type: "Invalid",
        value: "<secret contents redacted>",
        detail: "invalid JSON",
      });
    }
  }
  if (obj.type === "kubernetes.io/basic-auth" && data.username === undefined && data.password === undefined) {
    errs.push({ field: "data[username]", type: "Required", detail: "" });
    errs.push({ field: "data[password]", type: "Required", detail: "" });
  }
  if (
    obj.type === "kubernetes.io/service-account-token" &&
    !obj.metadata?.annotations?.["kubernetes.io/service-account.name"]
  ) {
    errs.push({ field: "metadata.annotations[kubernetes.io/service-account.name]", type: "Required", detail: "" });
  }
  if (old) {
    if (old.type !== obj.type)
      errs.push({ field: "type", type: "Invalid", value: obj.type, detail: "field is immutable" });
    errs.push(...immutableErrors(obj, old, ["data"]));
  }
  return errs;
}

export function prepareConfigMap(obj: KObj, old: KObj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === null) delete obj.data;
  if (obj.binaryData === null) delete obj.binaryData;
  checkBase64("ConfigMap", obj.binaryData);
  for (const [k, v] of Object.entries((obj.data ?? {}) as KObj)) {
    errs.push(...keyErrors("data", k));
    if (typeof v !== "string") {
      throw new ApiError(
        400,
        `ConfigMap in version "v1" cannot be handled as a ConfigMap: data values must be strings`,
        "BadRequest",
      );
    }
    if (obj.binaryData && Object.hasOwn(obj.binaryData, k)) {
      errs.push({ field: `data[${k}]`, type: "Invalid", value: k, detail: "duplicate of key present in binaryData" });
    }
  }
  for (const k of Object.keys(obj.binaryData ?? {})) errs.push(...keyErrors("binaryData", k));
  if (old) errs.push(...immutableErrors(obj, old, ["data", "binaryData"]));
  return errs;
}

function immutableErrors(obj: KObj, old: KObj, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) {
    errs.push({ field: "immutable", type: "Forbidden", detail: "field is immutable when `immutable` is set" });
  }
  for (const f of fields) {
    if (!deepEqual(obj[f] ?? {}, old[f] ?? {})) {
      errs.push({ field: f, type: "Forbidden", detail: "field is immutable when `immutable` is set" });
    }
  }
  return errs;
}
