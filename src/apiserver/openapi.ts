/**
 * OpenAPI v3 as kube-apiserver publishes it: the /openapi/v3 discovery document (one serverRelativeURL with a
 * content hash per group-version) and one document per group-version (paths with x-kubernetes-group-version-kind,
 * components.schemas named like kube's), plus /openapi/v2 in JSON built from them.
 */
import { createHash } from "node:crypto";
import { serverVersion } from "./discovery.js";
import { pathsOf } from "./openapi-paths.js";
import { meta, type Schema } from "./openapi-schema-builders.js";
import { definitions, gvk, kindSchema, listSchema, schemaName } from "./openapi-served-schemas.js";
import { swaggerFromV3, v2Info } from "./openapi-v2.js";
import type { TypeStore } from "./store.js";
import type { KObj, ResourceType } from "./types.js";
import { isObject } from "./util.js";

/** Adds `name` and every definition it references, transitively. */
function collect(name: string, pool: Record<string, Schema>, out: Record<string, Schema>): void {
  if (out[name] || !pool[name]) return;
  out[name] = pool[name];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && x.startsWith("#/components/schemas/")) {
          collect(x.slice("#/components/schemas/".length), pool, out);
        } else walk(x);
      }
    }
  };
  walk(pool[name]);
}

function groupVersionDocument(types: ResourceType[], version: string): KObj {
  const custom = types.some((t) => t.custom);
  const paths: Record<string, KObj> = {};
  const own: Record<string, Schema> = {};
  for (const rt of types) {
    Object.assign(paths, pathsOf(rt, version));
    own[schemaName(rt, version)] = {
      ...kindSchema(rt, version),
      "x-kubernetes-group-version-kind": [gvk(rt, version)],
    };
    own[schemaName(rt, version, rt.listKind)] = listSchema(rt, version);
  }
  const pool = { ...definitions, ...own };
  const schemas: Record<string, Schema> = {};
  for (const name of Object.keys(own)) collect(name, pool, schemas);
  for (const name of [`${meta}Patch`, `${meta}DeleteOptions`, `${meta}Status`]) collect(name, pool, schemas);
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((k) => [k, schemas[k]]),
  );
  return {
    openapi: "3.0.0",
    info: custom
      ? { title: "Kubernetes CRD Swagger", version: "v0.1.0" }
      : { title: "Kubernetes", version: serverVersion.gitVersion },
    paths: Object.fromEntries(
      Object.keys(paths)
        .sort()
        .map((k) => [k, paths[k]]),
    ),
    components: {
      schemas: sorted,
      securitySchemes: {
        BearerToken: {
          type: "apiKey",
          description: "Bearer Token authentication",
          name: "authorization",
          in: "header",
        },
      },
    },
  };
}

interface CachedDoc {
  types: ResourceType[];
  json: string;
  hash: string;
}

/** Serves /openapi/v3 documents, rebuilding a group-version's document only when its resource types change. */
export class OpenApiDocuments {
  private readonly cache = new Map<string, CachedDoc>();

  constructor(private readonly types: () => Iterable<TypeStore>) {}

  /** "api/v1" and "apis/<group>/<version>" -> the resource types served there. */
  private groupVersions(): Map<string, { version: string; types: ResourceType[] }> {
    const out = new Map<string, { version: string; types: ResourceType[] }>();
    for (const ts of this.types()) {
      for (const v of ts.rt.versions) {
        const key = ts.rt.group ? `apis/${ts.rt.group}/${v}` : `api/${v}`;
        let e = out.get(key);
        if (!e) {
          e = { version: v, types: [] };
          out.set(key, e);
        }
        e.types.push(ts.rt);
      }
    }
    return out;
  }

  private build(key: string, e: { version: string; types: ResourceType[] }): CachedDoc {
    const hit = this.cache.get(key);
    if (hit && hit.types.length === e.types.length && hit.types.every((t, i) => t === e.types[i])) return hit;
    const json = JSON.stringify(groupVersionDocument(e.types, e.version));
    const doc = { types: e.types, json, hash: createHash("sha512").update(json).digest("hex").toUpperCase() };
    this.cache.set(key, doc);
    return doc;
  }

  /** The discovery document: every group-version with a URL that changes whenever its document does. */
  discovery(): KObj {
    const gvs = this.groupVersions();
    for (const key of this.cache.keys()) if (!gvs.has(key)) this.cache.delete(key);
    const paths: KObj = {};
    for (const key of [...gvs.keys()].sort()) {
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${this.build(key, gvs.get(key)!).hash}` };
    }
    return { paths };
  }

  /** /openapi/v2 as JSON: every group-version's document merged into Swagger 2.0, rebuilt when one changes. */
  swagger(): string {
    const gvs = this.groupVersions();
    const docs = [...gvs.keys()].sort().map((key) => ({ key, doc: this.build(key, gvs.get(key)!) }));
    const stamp = docs.map((d) => d.doc.hash).join(",");
    if (this.v2?.stamp !== stamp) {
      const parsed = docs.map((d) => JSON.parse(d.doc.json) as KObj);
      this.v2 = { stamp, json: JSON.stringify(swaggerFromV3(parsed, v2Info)) };
    }
    return this.v2.json;
  }

  private v2: { stamp: string; json: string } | undefined;

  document(key: string): { json: string; hash: string } | undefined {
    const e = this.groupVersions().get(key);
    return e ? this.build(key, e) : undefined;
  }
}
