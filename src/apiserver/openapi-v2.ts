/**
 * The Swagger 2.0 document of /openapi/v2 in JSON, derived from the per-group-version OpenAPI v3 documents: the same
 * paths (operation ids, x-kubernetes-action, group-version-kind) and definitions, in v2's shapes. Clients that
 * build their API from it (the older Node.js kubernetes-client) need both. Also its protobuf form.
 */
import { serverVersion } from "./discovery.js";
import type { KObj } from "./types.js";
import { isObject } from "./util.js";

const v3Ref = "#/components/schemas/";

function refs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(refs);
  if (!isObject(v)) return v;
  const out: KObj = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] =
      k === "$ref" && typeof x === "string" && x.startsWith(v3Ref) ? `#/definitions/${x.slice(v3Ref.length)}` : refs(x);
  }
  return out;
}

function parameter(p: KObj): KObj {
  const { schema, ...rest } = p;
  return { ...rest, ...(isObject(schema) ? schema : {}) };
}

function operation(op: KObj): KObj {
  const { requestBody, responses, parameters, ...rest } = op;
  const out: KObj = { ...rest };
  const params = (parameters ?? []).map(parameter);
  if (isObject(requestBody)) {
    const types = Object.keys(requestBody.content ?? {});
    const schema = requestBody.content?.[types[0] ?? ""]?.schema;
    out.consumes = types;
    params.unshift({ name: "body", in: "body", required: true, schema: refs(schema) });
  }
  if (params.length) out.parameters = params;
  out.produces = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
  out.schemes = ["https"];
  out.responses = Object.fromEntries(
    Object.entries((responses ?? {}) as KObj).map(([code, r]) => {
      const schema = r.content?.["application/json"]?.schema;
      return [code, schema ? { description: r.description, schema: refs(schema) } : { description: r.description }];
    }),
  );
  return out;
}

/** Merges v3 group-version documents into one Swagger 2.0 document. */
export function swaggerFromV3(docs: KObj[], info: KObj): KObj {
  const paths: KObj = {};
  const definitions: KObj = {};
  for (const doc of docs) {
    for (const [path, item] of Object.entries((doc.paths ?? {}) as KObj)) {
      const v2: KObj = {};
      for (const [k, v] of Object.entries(item as KObj)) {
        v2[k] = k === "parameters" ? (v as KObj[]).map(parameter) : operation(v as KObj);
      }
      paths[path] = v2;
    }
    for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as KObj)) {
      definitions[name] = refs(schema);
    }
  }
  const sorted = (o: KObj) =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  return {
    swagger: "2.0",
    info,
    paths: sorted(paths),
    definitions: sorted(definitions),
    securityDefinitions: {
      BearerToken: { type: "apiKey", description: "Bearer Token authentication", name: "authorization", in: "header" },
    },
    security: [{ BearerToken: [] }],
  };
}

// ---- protobuf ----

export const v2Info = { title: "Kubernetes", version: serverVersion.gitVersion };

function pbString(field: number, s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
}

/**
 * The protobuf form of /openapi/v2 (gnostic's openapi_v2.Document: swagger = 1, info = 2 {title = 1, version = 2}) is
 * deliberately empty of definitions: the schemas live in /openapi/v3, and a protobuf v2 client (kubectl) that finds
 * no definition for a kind (validating a `kind: List` file) leaves the check to the server's fieldValidation. The
 * JSON form is complete (OpenApiDocuments.swagger).
 */
const v2InfoPb = Buffer.concat([pbString(1, v2Info.title), pbString(2, v2Info.version)]);
const v2Protobuf = {
  body: Buffer.concat([pbString(1, "2.0"), Buffer.from([(2 << 3) | 2, v2InfoPb.length]), v2InfoPb]),
  contentType: "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
};

export function openapiV2Protobuf(): { body: Buffer; contentType: string } {
  return v2Protobuf;
}
