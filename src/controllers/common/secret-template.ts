/**
 * target.template as upstream (engine v2): templateFrom (ConfigMap, Secret, literal) first, then
 * template.data, then templated metadata labels and annotations. Templates see the provider data as
 * strings. Errors name the template key, never a value (see redactTemplateError).
 */
import { parse as parseYaml } from "yaml";
import type { ExternalSecretTemplate, TemplateFrom } from "../../api/externalsecret.js";
import { TemplateError as EngineError, REDACTED, redactValues, TemplateLimitError } from "../../template/index.js";
import { decodeValue } from "../externalsecret/pipeline/decode.js";

/**
 * The template engine as the ExternalSecret and PushSecret controllers see it: the controller renders in a
 * worker pool with a deadline and a memory budget (src/template/pool); renderESO fits for in-process use.
 */
export type RenderTemplate = (name: string, text: string, data: Record<string, string>) => Promise<string> | string;

export class TemplateError extends Error {
  override readonly name = "TemplateError";

  /** Set when the render stopped at its deadline or memory budget: worth retrying with backoff. */
  constructor(
    message: string,
    readonly limit?: "memory" | "timeout",
  ) {
    super(message);
  }
}

/** A template stopped at a resource limit (not a mistake in it): the sync is retried with backoff. */
export function isTemplateLimitError(err: unknown): boolean {
  return err instanceof TemplateError && err.limit !== undefined;
}

/** Reads templateFrom sources in the ExternalSecret's namespace. */
export interface TemplateSources {
  configMap(name: string): Promise<Record<string, string> | undefined>;
  secret(name: string): Promise<Record<string, Buffer> | undefined>;
}

/**
 * One write of a templateFrom entry whose target is a path into a generic target (spec.target.manifest), in the
 * order upstream makes them: `set` replaces the field, `merge` adds the keys of a map to the map already there.
 */
export interface FieldWrite {
  path: string[];
  value: unknown;
  mode: "set" | "merge";
}

/** What templates write to: the Secret's data, labels and annotations (and, for generic targets, field paths). */
export interface TemplateOutput {
  data: Record<string, Buffer>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fields?: FieldWrite[];
}

export interface ApplyTemplateOptions {
  /** The target is a generic one (spec.target.manifest): templateFrom targets may be dot paths. */
  genericTarget?: boolean;
}

type Scope = "Values" | "KeysAndValues";
type Target = "Data" | "Labels" | "Annotations" | { path: string[] };

const NAMED_TARGETS: Record<string, Target> = { data: "Data", labels: "Labels", annotations: "Annotations" };
const UNSAFE_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * templateFrom[].target as upstream reads it: lower-cased; data, labels and annotations name the usual outputs;
 * for a generic target anything else is a dot path into the object. A Secret takes only the three names.
 */
export function templateTarget(target: string | undefined, genericTarget: boolean): Target {
  const lower = (target || "Data").toLowerCase();
  const named = NAMED_TARGETS[lower];
  if (named) return named;
  if (!genericTarget) {
    throw new TemplateError(
      `templateFrom target ${JSON.stringify(target)} is not one of Data, Annotations, Labels (a path is only valid with spec.target.manifest)`,
    );
  }
  const path = lower.split(".");
  if (path.some((p) => UNSAFE_SEGMENTS.has(p))) {
    throw new TemplateError(`templateFrom target ${JSON.stringify(target)} is not a valid path`);
  }
  return { path };
}

/** A Values-scope value at a path is stored as YAML when it parses as YAML, as a string otherwise (upstream). */
function yamlOrString(value: string): unknown {
  try {
    return parseYaml(value);
  } catch {
    return value;
  }
}

function stringData(data: Record<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = v.toString("utf8");
  return out;
}

const LOCATION = /^template: [^:\s]*:\d+(?::\d+)?: /;
const EXECUTING_AT = /^executing "(?:[^"\\]|\\.)*" at <.*?>: /;
const CALL = /error calling [^:\s]+: /;
const QUOTED = /"(?:[^"\\]|\\.)*"|`[^`]*`/g;
const WITHHELD = "[details withheld: they may show a secret value]";

/**
 * Go's function errors quote their arguments (time.Parse, regexp.Compile, strconv...) and `fail` prints
 * its argument, so a failing `{{ .password | toDate ... }}` would put the value into status, events and
 * logs. Every value the templates can see (`data`, plus `more`: the texts of templateFrom Secrets) is cut
 * out, and so is anything quoted after "error calling <func>:" (it may be a fragment of a value). A value
 * too short to cut out safely (see redactValues) withholds the whole detail after the location instead.
 * An error in a template read from a Secret keeps only its location: its text is as secret as the data.
 */
export function redactTemplateError(
  message: string,
  data: Record<string, string>,
  more: readonly string[] = [],
  templateSecret?: string,
): string {
  const values = [...Object.values(data), ...more];
  const text = redactValues(message, values).text;
  const location = LOCATION.exec(text)?.[0] ?? "";
  if (templateSecret !== undefined) {
    return `${location}[details withheld: the template is stored in Secret ${templateSecret}]`;
  }
  let head = location;
  let rest = text.slice(location.length);
  const at = EXECUTING_AT.exec(rest);
  if (at) {
    head += at[0];
    rest = rest.slice(at[0].length);
  }
  const call = CALL.exec(rest);
  if (call) {
    head += rest.slice(0, call.index + call[0].length);
    rest = rest.slice(call.index + call[0].length).replace(QUOTED, REDACTED);
  }
  if (redactValues(rest, values).shortValueSeen) rest = WITHHELD;
  return head + rest;
}

/** What every template of one ExternalSecret renders with, and the secret texts its errors must not show. */
interface RenderContext {
  render: RenderTemplate;
  data: Record<string, string>;
  /** Texts of the templateFrom Secret items read so far. */
  secretTexts: string[];
}

async function run(ctx: RenderContext, name: string, text: string, templateSecret?: string): Promise<string> {
  try {
    return await ctx.render(name, text, ctx.data);
  } catch (err) {
    // The engine's safe message withholds the argument text of failing function calls (see template/error-kind.ts).
    const message = err instanceof EngineError ? err.safeMessage : (err as Error).message;
    const detail = redactTemplateError(message, ctx.data, ctx.secretTexts, templateSecret);
    const limit = err instanceof TemplateLimitError ? err.limit : undefined;
    throw new TemplateError(`could not execute template: ${detail}`, limit);
  }
}

/** templateFrom[].valuesDecodingStrategy: how each rendered value is decoded before it is written (None: as is). */
type Decoding = TemplateFrom["valuesDecodingStrategy"];

function write(out: TemplateOutput, target: Target, key: string, value: string, decoding?: Decoding): void {
  let bytes: Buffer = Buffer.from(value, "utf8");
  if (decoding && decoding !== "None") {
    try {
      bytes = decodeValue(decoding, bytes);
    } catch (err) {
      const why = (err as Error).message;
      throw new TemplateError(`could not decode templated value of key ${JSON.stringify(key)}: ${why}`);
    }
  }
  if (target === "Labels") out.labels[key] = bytes.toString("utf8");
  else if (target === "Annotations") out.annotations[key] = bytes.toString("utf8");
  else if (target === "Data") out.data[key] = bytes;
  else if (target.path.length === 1 && target.path[0] === "spec") {
    // "spec" takes each key as a string field, as upstream's setField does.
    (out.fields ??= []).push({ path: [...target.path, key], value: bytes.toString("utf8"), mode: "set" });
  } else {
    // Any other path takes the whole value: every key overwrites the one before (upstream).
    (out.fields ??= []).push({ path: target.path, value: yamlOrString(bytes.toString("utf8")), mode: "set" });
  }
}

async function execute(
  templates: Record<string, string>,
  scope: Scope,
  target: Target,
  ctx: RenderContext,
  out: TemplateOutput,
  templateSecret?: string,
  decoding?: Decoding,
): Promise<void> {
  for (const [key, text] of Object.entries(templates)) {
    if (scope === "KeysAndValues") {
      // The template is the map key here: it renders to a YAML map of keys and values.
      const rendered = await run(ctx, "template", key, templateSecret);
      let parsed: unknown;
      try {
        parsed = parseYaml(rendered);
      } catch {
        throw new TemplateError("could not execute template: KeysAndValues output is not a YAML map");
      }
      if (typeof target === "object") {
        // A path takes the whole rendered YAML: "spec" replaces spec, a deeper path merges a map into the map there.
        const mode = target.path.length === 1 ? "set" : "merge";
        (out.fields ??= []).push({ path: target.path, value: parsed ?? null, mode });
        continue;
      }
      if (parsed === null || parsed === undefined) continue;
      if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new TemplateError("could not execute template: KeysAndValues output is not a YAML map");
      }
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        write(out, target, k, typeof v === "string" ? v : v === null ? "" : String(v), decoding);
      }
    } else {
      write(out, target, key, await run(ctx, key, text, templateSecret), decoding);
    }
  }
}

async function applyTemplateFrom(
  from: TemplateFrom,
  ctx: RenderContext,
  out: TemplateOutput,
  sources: TemplateSources,
  genericTarget: boolean,
): Promise<void> {
  const target = templateTarget(from.target, genericTarget);
  const decoding = from.valuesDecodingStrategy;
  if (from.configMap) {
    const cm = await sources.configMap(from.configMap.name);
    if (!cm) throw new TemplateError(`error fetching templateFrom data: ConfigMap ${from.configMap.name} not found`);
    for (const item of from.configMap.items) {
      const text = cm[item.key];
      if (text === undefined) {
        throw new TemplateError(
          `error fetching templateFrom data: key ${JSON.stringify(item.key)} not found in ConfigMap ${from.configMap.name}`,
        );
      }
      const scope = (item.templateAs ?? "Values") as Scope;
      const templates = scope === "Values" ? { [item.key]: text } : { [text]: "" };
      await execute(templates, scope, target, ctx, out, undefined, decoding);
    }
  }
  if (from.secret) {
    const secret = await sources.secret(from.secret.name);
    if (!secret) throw new TemplateError(`error fetching templateFrom data: Secret ${from.secret.name} not found`);
    for (const item of from.secret.items) {
      const raw = secret[item.key];
      if (raw === undefined) {
        throw new TemplateError(
          `error fetching templateFrom data: key ${JSON.stringify(item.key)} not found in Secret ${from.secret.name}`,
        );
      }
      const text = raw.toString("utf8");
      ctx.secretTexts.push(text);
      const scope = (item.templateAs ?? "Values") as Scope;
      const where = `${from.secret.name} key ${JSON.stringify(item.key)}`;
      const templates = scope === "Values" ? { [item.key]: text } : { [text]: "" };
      await execute(templates, scope, target, ctx, out, where, decoding);
    }
  }
  if (from.literal !== undefined) {
    await execute({ [from.literal]: "" }, "KeysAndValues", target, ctx, out, undefined, decoding);
  }
}

/**
 * Applies the template to the provider data. Without a template, the data is copied as-is and the
 * ExternalSecret's own labels and annotations are copied to the Secret, as upstream does.
 */
export async function applyTemplate(
  template: ExternalSecretTemplate | undefined,
  dataMap: Record<string, Buffer>,
  esMeta: { labels?: Record<string, string>; annotations?: Record<string, string> },
  sources: TemplateSources,
  render: RenderTemplate,
  options: ApplyTemplateOptions = {},
): Promise<TemplateOutput> {
  const out: TemplateOutput = { data: {}, labels: {}, annotations: {} };
  if (!template) {
    Object.assign(out.data, dataMap);
    Object.assign(out.labels, esMeta.labels ?? {});
    Object.assign(out.annotations, esMeta.annotations ?? {});
    return out;
  }
  Object.assign(out.labels, template.metadata?.labels ?? {});
  Object.assign(out.annotations, template.metadata?.annotations ?? {});
  if (template.mergePolicy === "Merge") Object.assign(out.data, dataMap);
  const ctx: RenderContext = { render, data: stringData(dataMap), secretTexts: [] };
  for (const from of template.templateFrom ?? [])
    await applyTemplateFrom(from, ctx, out, sources, !!options.genericTarget);
  await execute(template.data ?? {}, "Values", "Data", ctx, out);
  await execute(template.metadata?.labels ?? {}, "Values", "Labels", ctx, out);
  await execute(template.metadata?.annotations ?? {}, "Values", "Annotations", ctx, out);
  // As upstream: a template that renders no data (only type or metadata) keeps the provider's data.
  if (Object.keys(template.data ?? {}).length === 0 && (template.templateFrom ?? []).length === 0) {
    Object.assign(out.data, dataMap);
  }
  return out;
}
