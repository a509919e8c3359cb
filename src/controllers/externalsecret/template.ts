/**
 * target.template as upstream (engine v2): templateFrom (ConfigMap, Secret, literal) first, then
 * template.data, then templated metadata labels and annotations. Templates see the provider data as
 * strings. Errors name the template key, never a value.
 */
import { parse as parseYaml } from "yaml";
import type { ExternalSecretTemplate, TemplateFrom } from "../../api/externalsecret.js";
import type { RenderTemplate } from "./render.js";

export class TemplateError extends Error {
  override readonly name = "TemplateError";
}

/** Reads templateFrom sources in the ExternalSecret's namespace. */
export interface TemplateSources {
  configMap(name: string): Promise<Record<string, string> | undefined>;
  secret(name: string): Promise<Record<string, Buffer> | undefined>;
}

/** What templates write to: the Secret's data, labels and annotations. */
export interface TemplateOutput {
  data: Record<string, Buffer>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

type Scope = "Values" | "KeysAndValues";
type Target = "Data" | "Labels" | "Annotations";

function stringData(data: Record<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = v.toString("utf8");
  return out;
}

/**
 * Go's function errors quote their arguments (time.Parse, regexp.Compile, strconv...), so a failing
 * `{{ .password | toDate ... }}` would put the value into status, events and logs. Values are cut out, and
 * so is anything quoted after "error calling <func>:" (it may be a fragment of a value).
 */
export function redactTemplateError(message: string, data: Record<string, string>): string {
  let out = message;
  const values = Object.values(data)
    .filter((v) => v.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const v of values) out = out.replaceAll(v, "[redacted]");
  const call = /error calling [^:]+:/.exec(out);
  if (call) {
    const end = call.index + call[0].length;
    out = out.slice(0, end) + out.slice(end).replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, "[redacted]");
  }
  return out;
}

function run(render: RenderTemplate, name: string, text: string, data: Record<string, string>): string {
  try {
    return render(name, text, data);
  } catch (err) {
    throw new TemplateError(`could not execute template: ${redactTemplateError((err as Error).message, data)}`);
  }
}

function write(out: TemplateOutput, target: Target, key: string, value: string): void {
  if (target === "Labels") out.labels[key] = value;
  else if (target === "Annotations") out.annotations[key] = value;
  else out.data[key] = Buffer.from(value, "utf8");
}

function execute(
  templates: Record<string, string>,
  scope: Scope,
  target: Target,
  data: Record<string, string>,
  out: TemplateOutput,
  render: RenderTemplate,
): void {
  for (const [key, text] of Object.entries(templates)) {
    if (scope === "KeysAndValues") {
      // The template is the map key here: it renders to a YAML map of keys and values.
      const rendered = run(render, "template", key, data);
      let parsed: unknown;
      try {
        parsed = parseYaml(rendered);
      } catch {
        throw new TemplateError("could not execute template: KeysAndValues output is not a YAML map");
      }
      if (parsed === null || parsed === undefined) continue;
      if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new TemplateError("could not execute template: KeysAndValues output is not a YAML map");
      }
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        write(out, target, k, typeof v === "string" ? v : v === null ? "" : String(v));
      }
    } else {
      write(out, target, key, run(render, key, text, data));
    }
  }
}

async function applyTemplateFrom(
  from: TemplateFrom,
  data: Record<string, string>,
  out: TemplateOutput,
  sources: TemplateSources,
  render: RenderTemplate,
): Promise<void> {
  const target = (from.target ?? "Data") as Target;
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
      execute(scope === "Values" ? { [item.key]: text } : { [text]: "" }, scope, target, data, out, render);
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
      const scope = (item.templateAs ?? "Values") as Scope;
      execute(scope === "Values" ? { [item.key]: text } : { [text]: "" }, scope, target, data, out, render);
    }
  }
  if (from.literal !== undefined) {
    execute({ [from.literal]: "" }, "KeysAndValues", target, data, out, render);
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
  const data = stringData(dataMap);
  for (const from of template.templateFrom ?? []) await applyTemplateFrom(from, data, out, sources, render);
  execute(template.data ?? {}, "Values", "Data", data, out, render);
  execute(template.metadata?.labels ?? {}, "Values", "Labels", data, out, render);
  execute(template.metadata?.annotations ?? {}, "Values", "Annotations", data, out, render);
  return out;
}
