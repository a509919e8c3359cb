/**
 * Validation of ESO manifests as pure functions: the schema (types, enums, patterns, unknown fields)
 * plus the semantic rules upstream's admission webhooks enforce. Every error names the object and
 * the field path. Used by `eso validate` and the admission webhook.
 */
import { Kind, type TSchema } from "@sinclair/typebox";
import { Value, type ValueError, ValueErrorType } from "@sinclair/typebox/value";
import { SELECTOR } from "./common.js";
import { durationIssues } from "./duration.js";
import { generatorSpecIssues } from "./generator-validation.js";
import { type GeneratorKind, generatorKinds } from "./generators.js";
import { compileGoRegexp } from "./regexp.js";
import { findResource, isOwnGroup } from "./resources.js";
import { nullableInner } from "./schema.js";

/** One problem with one field of one object. Warnings do not make a manifest invalid. */
export interface ValidationError {
  severity: "error" | "warning";
  kind: string;
  namespace?: string;
  name?: string;
  /** Dotted field path, e.g. spec.data[0].secretKey. */
  path: string;
  message: string;
}

/** A problem at a field path, before it is attributed to an object. */
export interface FieldIssue {
  path: string;
  message: string;
  severity?: "error" | "warning";
}

/** "Kind namespace/name: field.path: message" (warnings prefixed "warning: "). */
export function formatValidationError(e: ValidationError): string {
  const id = e.namespace ? `${e.namespace}/${e.name ?? ""}` : (e.name ?? "<unnamed>");
  return `${e.severity === "warning" ? "warning: " : ""}${e.kind} ${id}: ${e.path}: ${e.message}`;
}

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Appends a property or index to a dotted path. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const seg = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!base) return seg.startsWith("[") ? seg : seg;
  return seg.startsWith("[") ? `${base}${seg}` : `${base}.${seg}`;
}

function pointerToPath(pointer: string): string {
  let path = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path = joinPath(path, /^\d+$/.test(seg) ? Number(seg) : seg);
  }
  return path;
}

function describeError(e: ValueError): string {
  const schema = e.schema as TSchema & Record<string, any>;
  if (schema[Kind] === "StringEnum") {
    return `must be one of ${schema.enum.join(", ")} (got ${JSON.stringify(e.value)})`;
  }
  if (schema[Kind] === "Nullable") return `must be ${schema.format ?? schema.type} or null`;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.ObjectMinProperties:
    case ValueErrorType.ObjectMaxProperties: {
      const keys = Object.keys(schema.properties ?? {});
      const value = e.value;
      const found = isObj(value) ? Object.keys(value).filter((k) => value[k] != null) : [];
      return `exactly one of ${keys.join(", ")} must be set (found ${found.length ? found.join(", ") : "none"})`;
    }
    case ValueErrorType.StringPattern:
      return `${JSON.stringify(e.value)} must match ${schema.pattern}`;
    case ValueErrorType.StringFormat:
      return `${JSON.stringify(e.value)} is not a valid ${schema.format === "byte" ? "base64 value" : schema.format}`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters`;
    case ValueErrorType.StringMinLength:
      return `must be at least ${schema.minLength} character${schema.minLength === 1 ? "" : "s"}`;
    default:
      return e.message.replace(/^Expected/, "expected");
  }
}

/**
 * Fields the schema does not declare. The API server prunes them (and warns, or rejects them under
 * kubectl's strict field validation); ESO manifests in the wild carry some, so they are warnings.
 */
function unknownFields(schema: TSchema, value: unknown, path: string, out: FieldIssue[]): void {
  const inner = nullableInner(schema);
  if (inner) {
    unknownFields(inner, value, path, out);
    return;
  }
  const s = schema as TSchema & Record<string, any>;
  if (s.properties && isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child = s.properties[k] as TSchema | undefined;
      const childPath = joinPath(path, k);
      if (!child) {
        out.push({ path: childPath, message: "unknown field (Kubernetes drops it)", severity: "warning" });
      } else if (childPath !== "metadata") unknownFields(child, v, childPath, out);
    }
  } else if (s.patternProperties && isObj(value)) {
    const child = Object.values(s.patternProperties)[0] as TSchema;
    for (const [k, v] of Object.entries(value)) unknownFields(child, v, joinPath(path, k), out);
  } else if (s.items && Array.isArray(value)) {
    value.forEach((v, i) => {
      unknownFields(s.items, v, joinPath(path, i), out);
    });
  }
}

/**
 * Checks `value` against a TypeBox schema after applying the schema's defaults (as the API server
 * does before validating); one issue per field path, plus unknown-field warnings.
 */
export function schemaIssues(schema: TSchema, value: unknown, basePath = ""): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const defaulted = Value.Default(schema, structuredClone(value));
  for (const e of Value.Errors(schema, defaulted)) {
    const path = pointerToPath(e.path);
    const full = basePath ? (path ? `${basePath}.${path}` : basePath) : path;
    if (seen.has(full)) continue;
    // A missing parent already explains errors below it.
    if ([...seen].some((p) => full.startsWith(`${p}.`) || full.startsWith(`${p}[`))) continue;
    seen.add(full);
    issues.push({ path: full || "<root>", message: describeError(e) });
  }
  const unknown: FieldIssue[] = [];
  unknownFields(schema, value, basePath, unknown);
  return [...issues, ...unknown];
}

function checkDuration(value: unknown, path: string, out: FieldIssue[]): void {
  out.push(...durationIssues(value, path));
}

function checkRegexp(value: unknown, path: string, out: FieldIssue[]): void {
  if (typeof value !== "string") return;
  try {
    compileGoRegexp(value);
  } catch (err) {
    out.push({ path, message: (err as Error).message });
  }
}

function checkTemplate(template: unknown, path: string, out: FieldIssue[]): void {
  if (!isObj(template)) return;
  arr(template.templateFrom).forEach((tf, i) => {
    if (!isObj(tf)) return;
    const set = ["configMap", "secret", "literal"].filter((k) => tf[k] != null);
    if (set.length !== 1) {
      out.push({
        path: joinPath(joinPath(path, "templateFrom"), i),
        message: `exactly one of configMap, secret, literal must be set (found ${set.length ? set.join(", ") : "none"})`,
      });
    }
  });
}

/** Semantic rules of an ExternalSecret spec (also the externalSecretSpec of a ClusterExternalSecret). */
export function externalSecretSpecIssues(spec: unknown, path = "spec"): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (!isObj(spec)) return out;
  checkDuration(spec.refreshInterval, `${path}.refreshInterval`, out);
  if (isObj(spec.syncWindows)) {
    arr(spec.syncWindows.windows).forEach((w, i) => {
      if (isObj(w)) checkDuration(w.duration, `${path}.syncWindows.windows[${i}].duration`, out);
    });
  }

  const target = isObj(spec.target) ? spec.target : {};
  const creation = target.creationPolicy ?? "Owner";
  const deletion = target.deletionPolicy ?? "Retain";
  if (deletion === "Delete" && (creation === "Merge" || creation === "CreateOrMerge" || creation === "None")) {
    out.push({
      path: `${path}.target.deletionPolicy`,
      message: `deletionPolicy Delete requires a Secret the controller owns; not allowed with creationPolicy ${creation} (use creationPolicy Owner)`,
    });
  }
  if (deletion === "Merge" && creation === "None") {
    out.push({
      path: `${path}.target.deletionPolicy`,
      message: "deletionPolicy Merge is not allowed with creationPolicy None: there is no Secret to merge with",
    });
  }
  checkTemplate(target.template, `${path}.target.template`, out);

  const data = arr(spec.data);
  const dataFrom = arr(spec.dataFrom);
  const template = isObj(target.template) ? target.template : {};
  const templateSupplies =
    (isObj(template.data) && Object.keys(template.data).length > 0) || arr(template.templateFrom).length > 0;
  if (data.length === 0 && dataFrom.length === 0 && !templateSupplies) {
    out.push({
      path: `${path}.data`,
      message: "either data or dataFrom must be specified (or a target.template that supplies the data)",
    });
  }

  if (deletion === "Retain") {
    const seen = new Map<string, number>();
    data.forEach((d, i) => {
      if (!isObj(d) || typeof d.secretKey !== "string") return;
      const first = seen.get(d.secretKey);
      if (first !== undefined) {
        out.push({
          path: `${path}.data[${i}].secretKey`,
          message: `duplicate secretKey "${d.secretKey}" (also spec.data[${first}])`,
        });
      } else seen.set(d.secretKey, i);
    });
  }

  dataFrom.forEach((ref, i) => {
    if (!isObj(ref)) return;
    const at = `${path}.dataFrom[${i}]`;
    const sourceRef = isObj(ref.sourceRef) ? ref.sourceRef : undefined;
    const sources = [
      ref.extract != null && "extract",
      ref.find != null && "find",
      sourceRef?.generatorRef != null && "sourceRef.generatorRef",
    ].filter(Boolean) as string[];
    if (sources.length === 0 && !sourceRef) {
      out.push({ path: at, message: "exactly one of extract, find or sourceRef must be set" });
    } else if (sources.length === 0 && sourceRef?.storeRef != null) {
      out.push({ path: `${at}.sourceRef`, message: "sourceRef.storeRef selects a store; add extract or find" });
    } else if (sources.length > 1) {
      out.push({
        path: at,
        message: `only one of extract, find or sourceRef.generatorRef may be set (found ${sources.join(", ")})`,
      });
    }
    if (isObj(ref.find) && isObj(ref.find.name)) checkRegexp(ref.find.name.regexp, `${at}.find.name.regexp`, out);
    arr(ref.rewrite).forEach((rw, j) => {
      if (isObj(rw) && isObj(rw.regexp)) checkRegexp(rw.regexp.source, `${at}.rewrite[${j}].regexp.source`, out);
    });
    arr(ref.select).forEach((sel, j) => {
      if (!isObj(sel)) return;
      // Upstream's CEL rule on ExternalSecretSelect.
      if (sel.regexp == null && !(Array.isArray(sel.names) && sel.names.length > 0)) {
        out.push({ path: `${at}.select[${j}]`, message: "either regexp or at least one name must be specified" });
      }
      checkRegexp(sel.regexp, `${at}.select[${j}].regexp`, out);
    });
  });
  return out;
}

function storeIssues(obj: Obj): FieldIssue[] {
  const out: FieldIssue[] = [];
  const spec = isObj(obj.spec) ? obj.spec : {};
  if (isObj(spec.retrySettings))
    checkDuration(spec.retrySettings.retryInterval, "spec.retrySettings.retryInterval", out);
  if (typeof spec.refreshInterval === "string" && !/^\d+$/.test(spec.refreshInterval)) {
    checkDuration(spec.refreshInterval, "spec.refreshInterval", out);
  }
  arr(spec.conditions).forEach((c, i) => {
    if (isObj(c))
      arr(c.namespaceRegexes).forEach((r, j) => {
        checkRegexp(r, `spec.conditions[${i}].namespaceRegexes[${j}]`, out);
      });
  });
  if (obj.kind === "SecretStore") {
    const ns = isObj(obj.metadata) ? obj.metadata.namespace : undefined;
    crossNamespaceRefs(obj, ns, out);
  }
  return out;
}

/**
 * A namespaced SecretStore may only reference Secrets, ServiceAccounts and ConfigMaps in its own namespace.
 * Without metadata.namespace (offline, before `kubectl apply -n`) the namespace it lands in is unknown: a
 * reference is then only a warning, unless the references name two namespaces, which no namespace satisfies.
 */
function crossNamespaceRefs(obj: Obj, ownNamespace: string | undefined, out: FieldIssue[]): void {
  const found = findResource(String(obj.apiVersion), String(obj.kind));
  if (!found) return;
  const refs: { path: string; namespace: string }[] = [];
  const walk = (schema: TSchema, value: unknown, path: string) => {
    const s = schema as TSchema & Record<string, any>;
    if (s[SELECTOR] && isObj(value)) {
      if (typeof value.namespace === "string") refs.push({ path: `${path}.namespace`, namespace: value.namespace });
      return;
    }
    if (s.properties && isObj(value)) {
      for (const [k, v] of Object.entries(value)) if (s.properties[k]) walk(s.properties[k], v, joinPath(path, k));
    } else if (s.items && Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(s.items, v, joinPath(path, i));
      });
    }
  };
  walk(found.version.schema, obj, "");
  const advice = "use a ClusterSecretStore for cross-namespace references";
  if (ownNamespace !== undefined) {
    for (const r of refs.filter((r) => r.namespace !== ownNamespace)) {
      out.push({
        path: r.path,
        message: `a SecretStore may only reference its own namespace (${ownNamespace}); ${advice}`,
      });
    }
    return;
  }
  const named = new Set(refs.map((r) => r.namespace));
  for (const r of refs) {
    out.push(
      named.size > 1
        ? {
            path: r.path,
            message: `a SecretStore may only reference its own namespace, and these name ${named.size}; ${advice}`,
          }
        : {
            path: r.path,
            severity: "warning",
            message: `metadata.namespace is unset: valid only if the SecretStore is applied into namespace ${r.namespace}`,
          },
    );
  }
}

function pushSecretSpecIssues(spec: unknown, path: string): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (!isObj(spec)) return out;
  checkDuration(spec.refreshInterval, `${path}.refreshInterval`, out);
  arr(spec.secretStoreRefs).forEach((ref, i) => {
    if (isObj(ref) && ref.name == null && ref.labelSelector == null) {
      out.push({ path: `${path}.secretStoreRefs[${i}]`, message: "one of name or labelSelector must be set" });
    }
  });
  if (arr(spec.secretStoreRefs).length === 0 && arr(spec.dataTo).length === 0) {
    out.push({ path: `${path}.secretStoreRefs`, message: "at least one store must be referenced" });
  }
  if (isObj(spec.selector) && isObj(spec.selector.secret)) {
    const s = spec.selector.secret;
    if ((s.name == null) === (s.selector == null)) {
      out.push({ path: `${path}.selector.secret`, message: "exactly one of name or selector must be set" });
    }
  }
  arr(spec.dataTo).forEach((d, i) => {
    if (!isObj(d)) return;
    const at = `${path}.dataTo[${i}]`;
    if (!isObj(d.storeRef) || (d.storeRef.name == null && d.storeRef.labelSelector == null)) {
      out.push({ path: `${at}.storeRef`, message: "storeRef must specify either name or labelSelector" });
    }
    if (isObj(d.match)) checkRegexp(d.match.regexp, `${at}.match.regexp`, out);
    arr(d.rewrite).forEach((rw, j) => {
      if (!isObj(rw)) return;
      if ((rw.regexp == null) === (rw.transform == null)) {
        out.push({ path: `${at}.rewrite[${j}]`, message: "exactly one of regexp or transform must be set" });
      }
      if (isObj(rw.regexp)) checkRegexp(rw.regexp.source, `${at}.rewrite[${j}].regexp.source`, out);
    });
  });
  checkTemplate(spec.template, `${path}.template`, out);
  return out;
}

function semanticIssues(obj: Obj): FieldIssue[] {
  const spec = obj.spec;
  switch (obj.kind) {
    case "ExternalSecret":
      return externalSecretSpecIssues(spec, "spec");
    case "ClusterExternalSecret": {
      const out = isObj(spec) ? externalSecretSpecIssues(spec.externalSecretSpec, "spec.externalSecretSpec") : [];
      if (isObj(spec)) checkDuration(spec.refreshTime, "spec.refreshTime", out);
      return out;
    }
    case "SecretStore":
    case "ClusterSecretStore":
      return storeIssues(obj);
    case "PushSecret":
      return pushSecretSpecIssues(spec, "spec");
    case "ClusterPushSecret": {
      const out = isObj(spec) ? pushSecretSpecIssues(spec.pushSecretSpec, "spec.pushSecretSpec") : [];
      if (isObj(spec)) checkDuration(spec.refreshTime, "spec.refreshTime", out);
      return out;
    }
    case "ClusterGenerator": {
      if (!isObj(spec) || !isObj(spec.generator)) return [];
      const out: FieldIssue[] = [];
      for (const [kind, { clusterKey }] of Object.entries(generatorKinds)) {
        const set = spec.generator[clusterKey];
        if (set !== undefined) out.push(...generatorSpecIssues(kind, set, `spec.generator.${clusterKey}`));
      }
      const set = Object.keys(spec.generator);
      const expected = generatorKinds[spec.kind as GeneratorKind]?.clusterKey;
      if (expected && set.length === 1 && set[0] !== expected) {
        out.push({
          path: `spec.generator.${set[0]}`,
          message: `spec.kind is ${spec.kind}; expected spec.generator.${expected}`,
        });
      }
      return out;
    }
    default:
      return generatorSpecIssues(String(obj.kind), spec, "spec");
  }
}

/** True when the object is of one of this API's groups (and so is validated). */
export function isESOObject(obj: unknown): boolean {
  return isObj(obj) && typeof obj.apiVersion === "string" && isOwnGroup(obj.apiVersion);
}

/**
 * Validates one manifest. Objects of other API groups (Secrets, ServiceAccounts, ...) yield no errors;
 * an unserved kind or version of this API's groups is an error.
 */
export function validateObject(obj: unknown): ValidationError[] {
  if (!isObj(obj)) {
    return [{ severity: "error", kind: "<unknown>", path: "<root>", message: "manifest must be a YAML mapping" }];
  }
  const kind = typeof obj.kind === "string" ? obj.kind : "<unknown>";
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const ident = {
    kind,
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    ...(typeof meta.name === "string" ? { name: meta.name } : {}),
  };
  const at = (issues: FieldIssue[]): ValidationError[] =>
    issues.map(({ severity, ...i }) => ({ severity: severity ?? "error", ...ident, ...i }));
  if (typeof obj.apiVersion !== "string") return at([{ path: "apiVersion", message: "is required" }]);
  if (typeof obj.kind !== "string") return at([{ path: "kind", message: "is required" }]);
  if (!isOwnGroup(obj.apiVersion)) return [];
  const found = findResource(obj.apiVersion, obj.kind);
  if (!found) {
    return at([{ path: "apiVersion", message: `${obj.apiVersion} does not serve kind ${obj.kind}` }]);
  }
  const issues: FieldIssue[] = [];
  if (typeof meta.name !== "string" && typeof meta.generateName !== "string") {
    issues.push({ path: "metadata.name", message: "is required" });
  }
  issues.push(...schemaIssues(found.version.schema, obj));
  issues.push(...semanticIssues(obj));
  return at(issues);
}

/** Validates many manifests; the concatenated errors and warnings. */
export function validateAll(objects: unknown[]): ValidationError[] {
  return objects.flatMap(validateObject);
}

/** Only the errors (what makes a manifest invalid), without warnings. */
export function validationErrors(obj: unknown): ValidationError[] {
  return validateObject(obj).filter((e) => e.severity === "error");
}

/** validateObject's issues as formatted messages, split into errors (the manifest is invalid) and warnings. */
export function validationMessages(obj: unknown): { errors: string[]; warnings: string[] } {
  const out = { errors: [] as string[], warnings: [] as string[] };
  for (const e of validateObject(obj))
    (e.severity === "error" ? out.errors : out.warnings).push(formatValidationError(e));
  return out;
}
