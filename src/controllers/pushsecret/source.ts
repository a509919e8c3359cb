/**
 * What a PushSecret pushes: the Secret named in selector.secret.name, every Secret matching
 * selector.secret.selector (both only in the PushSecret's own namespace), or a fresh value from
 * selector.generatorRef. Also the key conversion (conversionStrategy ReverseUnicode) applied per entry.
 */
import type { PushSecret } from "../../api/pushsecret.js";
import { type LoadedGenerator, loadGenerator } from "../../generators/resolve.js";
import { type KubeClient, SECRETS } from "../../kube/index.js";
import type { KubeAccess, PushSource } from "../../providers/provider.js";
import { selectorMatches } from "../common/selector.js";
import { selectorToQuery } from "./selector.js";

export class SourceError extends Error {
  override readonly name = "SourceError";
}

interface SecretObj {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

export interface ResolvedSources {
  sources: PushSource[];
  /** Identity of the source Secrets' contents (names and resourceVersions); undefined for a generator. */
  fingerprint?: string;
  /** Set when a generator produced the value: needed to record or discard its GeneratorState. */
  generated?: { loaded: LoadedGenerator; state?: Record<string, unknown> };
}

function toSource(s: SecretObj, namespace: string): PushSource {
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, "base64");
  return {
    name: s.metadata.name,
    namespace,
    data,
    labels: s.metadata.labels,
    annotations: s.metadata.annotations,
  };
}

function fingerprintOf(secrets: SecretObj[]): string {
  return secrets.map((s) => `${s.metadata.name}@${s.metadata.resourceVersion ?? ""}`).join(",");
}

/** Reads the source Secrets; cheap, so it runs on every reconcile to notice changes. */
export async function readSourceSecrets(
  client: KubeClient,
  ps: PushSecret,
  signal?: AbortSignal,
): Promise<ResolvedSources | undefined> {
  const namespace = ps.metadata?.namespace ?? "";
  const sel = ps.spec.selector?.secret;
  if (!sel) return undefined;
  if (sel.name) {
    const s = await client.get<SecretObj>(SECRETS, namespace, sel.name, signal);
    if (!s)
      throw new SourceError(
        `could not get source secret: Secret ${JSON.stringify(sel.name)} not found in namespace ${namespace}`,
      );
    return { sources: [toSource(s, namespace)], fingerprint: fingerprintOf([s]) };
  }
  if (sel.selector) {
    const query = selectorToQuery(sel.selector, "spec.selector.secret.selector");
    const found = (await client.list<SecretObj>(SECRETS, namespace, query || undefined))
      .filter(
        (s) => (s.metadata.namespace ?? namespace) === namespace && selectorMatches(sel.selector!, s.metadata.labels),
      )
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    return { sources: found.map((s) => toSource(s, namespace)), fingerprint: fingerprintOf(found) };
  }
  throw new SourceError("spec.selector.secret: one of name or selector is required");
}

/** Runs selector.generatorRef once: every call is a new value. */
export async function generateSource(
  client: KubeClient,
  kube: KubeAccess,
  ps: PushSecret,
  signal?: AbortSignal,
  controllerClass?: string,
): Promise<ResolvedSources> {
  const namespace = ps.metadata?.namespace ?? "";
  const ref = ps.spec.selector?.generatorRef;
  if (!ref) throw new SourceError("spec.selector: one of secret or generatorRef is required");
  const loaded = await loadGenerator(client, ref, namespace, "spec.selector.generatorRef", signal);
  const out = await loaded.generator.generate(loaded.spec, { kube, namespace, controllerClass, signal });
  return {
    sources: [{ name: ref.name, namespace, data: out.data }],
    generated: { loaded, state: out.state },
  };
}

const UNICODE_ESCAPE = /_U([0-9a-fA-F]{4,6})_/g;

/** conversionStrategy ReverseUnicode turns "_U0024_" escapes in keys back into the characters. */
export function reverseKeys(strategy: string | undefined, data: Record<string, Buffer>): Record<string, Buffer> {
  if (!strategy || strategy === "None") return data;
  if (strategy !== "ReverseUnicode") throw new SourceError(`conversionStrategy: unsupported value "${strategy}"`);
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k.replace(UNICODE_ESCAPE, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))] = v;
  }
  return out;
}
