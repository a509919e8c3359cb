/** HTTP front end: routing, body decoding, content negotiation and streaming watches over the Engine. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml, type ScalarTag } from "yaml";
import { jsonErrorPosition } from "../util/json-error.js";
import { aggregated, apiGroup, apiGroupList, apiResourceList, apiVersions, serverVersion } from "./discovery.js";
import type { Engine } from "./engine.js";
import { ApiError, badRequest } from "./errors.js";
import type { Faults } from "./faults.js";
import { warningHeader } from "./field-validation.js";
import { OpenApiDocuments } from "./openapi.js";
import { openapiV2Protobuf } from "./openapi-v2.js";
import { decodeProtobuf } from "./proto.js";
import type { DeleteOptions, ReqInfo } from "./request.js";
import { isReview, type Reviews } from "./reviews.js";
import { columnsFor, toTable, wantsTable } from "./table.js";
import type { KObj } from "./types.js";

const jsonType = "application/json";

function send(res: ServerResponse, code: number, body: string, contentType = jsonType): void {
  res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function sendObj(res: ServerResponse, code: number, obj: unknown): void {
  send(res, code, JSON.stringify(obj));
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ApiError ? err : new ApiError(500, err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.end();
    return;
  }
  if (e.details?.plainText) {
    send(res, e.code, e.message, "text/plain; charset=utf-8");
    return;
  }
  const headers: Record<string, string | number> = { "Content-Type": jsonType };
  if (e.details?.retryAfterSeconds) headers["Retry-After"] = e.details.retryAfterSeconds;
  const body = JSON.stringify(e.toStatus());
  headers["Content-Length"] = Buffer.byteLength(body);
  res.writeHead(e.code, headers);
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** kube's YAML decoder (go-yaml v2) also reads these unquoted words as booleans, keys included. */
const yaml11Booleans: ScalarTag = {
  tag: "tag:yaml.org,2002:bool",
  default: true,
  identify: (v) => typeof v === "boolean",
  test: /^(?:y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF)$/,
  resolve: (s) => /^(?:y|Y|yes|Yes|YES|on|On|ON)$/.test(s),
};

function decode(body: Buffer, contentType: string): unknown {
  if (contentType.startsWith("application/vnd.kubernetes.protobuf"))
    return body.length ? decodeProtobuf(body) : undefined;
  const text = body.toString("utf8");
  if (text.trim() === "") return undefined;
  if (/yaml/.test(contentType) && !/^\s*[{[]/.test(text)) {
    try {
      return parseYaml(text, { customTags: (tags) => [yaml11Booleans, ...(tags as ScalarTag[])] });
    } catch (e) {
      // Only the first line: the rest quotes the body, which may hold secret data.
      throw badRequest(`error decoding YAML: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON${jsonErrorPosition(e)}`);
  }
}

/** Splits /api/v1/... or /apis/G/V/... into a request description; undefined for non-resource paths. */
export function parseResourcePath(method: string, path: string, query: URLSearchParams): ReqInfo | undefined {
  const segs = path.split("/").filter((s) => s !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api" && segs.length >= 3) {
    group = "";
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === "apis" && segs.length >= 4) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else return undefined;
  rest = rest.map(decodeURIComponent);
  // The deprecated /watch/ prefix kube still serves: a GET on it is a watch (of one object when a name follows).
  const legacyWatch = rest[0] === "watch" && rest.length >= 2 && method === "GET";
  if (legacyWatch) rest = rest.slice(1);
  let namespace: string | undefined;
  if (
    rest[0] === "namespaces" &&
    rest.length >= 3 &&
    !(group === "" && (rest[2] === "status" || rest[2] === "finalize"))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length > 0 || !resource) return undefined;
  let verb: string;
  switch (method) {
    case "GET":
      verb = name ? "get" : query.get("watch") === "true" || query.get("watch") === "1" ? "watch" : "list";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      verb = method.toLowerCase();
  }
  if (legacyWatch) {
    if (subresource) return undefined;
    if (name) {
      const sel = query.get("fieldSelector");
      query.set("fieldSelector", sel ? `${sel},metadata.name=${name}` : `metadata.name=${name}`);
    }
    return { verb: "watch", group, version, resource, namespace, query };
  }
  if (verb === "watch" && name) return undefined;
  return { verb, group, version, resource, subresource, namespace, name, query };
}

export class HttpFrontEnd {
  private readonly openWatches = new Set<() => void>();
  private readonly openapi: OpenApiDocuments;
  hostPort = "127.0.0.1";

  constructor(
    private readonly engine: Engine,
    private readonly faults: Faults,
    private readonly reviews?: Reviews,
  ) {
    this.openapi = new OpenApiDocuments(() => this.engine.types.values());
  }

  cutWatches(): void {
    for (const close of [...this.openWatches]) close();
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((err) => sendError(res, err));
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    const path = qi >= 0 ? url.slice(0, qi) : url;
    const query = new URLSearchParams(qi >= 0 ? url.slice(qi + 1) : "");
    const method = req.method ?? "GET";
    const ri = parseResourcePath(method, path, query);
    if (!ri) {
      this.nonResource(req, res, path, query);
      return;
    }
    ri.warnings = [];
    ri.userAgent = req.headers["user-agent"];
    // Headers set here are merged into the response's writeHead (warnings collected by the engine).
    const warned = () => {
      if (ri.warnings?.length) res.setHeader("Warning", ri.warnings.map(warningHeader));
    };
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    const resKey = ri.subresource ? `${ri.resource}/${ri.subresource}` : ri.resource;
    this.faults.check(ri.verb, resKey, ri.namespace);
    const dryRun = query.getAll("dryRun").includes("All");
    const accept = req.headers.accept ?? "";
    switch (ri.verb) {
      case "get": {
        const obj = this.engine.get(ri);
        if (wantsTable(accept)) {
          const ts = this.engine.resolve(ri.group, ri.version, ri.resource);
          const meta = { resourceVersion: obj.metadata.resourceVersion };
          sendObj(res, 200, toTable(columnsFor(ts.rt, ri.version), [obj], meta, includeObject(query)));
        } else sendObj(res, 200, obj);
        return;
      }
      case "list": {
        if (wantsTable(accept)) {
          const ts = this.engine.resolve(ri.group, ri.version, ri.resource);
          const sel = this.engine.select(ts, ri);
          const items = sel.items.map((o) => this.engine.toVersion(ts, o, ri.version));
          const meta: KObj = { resourceVersion: String(sel.rv) };
          if (sel.cont) meta.continue = sel.cont;
          sendObj(res, 200, toTable(columnsFor(ts.rt, ri.version), items, meta, includeObject(query)));
        } else send(res, 200, this.engine.list(ri));
        return;
      }
      case "watch":
        this.watch(req, res, ri, wantsTable(accept));
        return;
      case "create": {
        const body = decode(await readBody(req), req.headers["content-type"] ?? "");
        if (this.reviews && isReview(ri)) {
          sendObj(res, 201, this.reviews.answer(ri, body));
          return;
        }
        const obj = this.engine.create(ri, body, dryRun);
        warned();
        sendObj(res, 201, obj);
        return;
      }
      case "update": {
        const body = decode(await readBody(req), req.headers["content-type"] ?? "");
        const { obj, created } = this.engine.update(ri, body, dryRun);
        warned();
        sendObj(res, created ? 201 : 200, obj);
        return;
      }
      case "patch": {
        const ct = req.headers["content-type"] ?? "";
        const body = decode(await readBody(req), ct);
        const { obj, created } = this.engine.patch(ri, ct, body, dryRun);
        warned();
        sendObj(res, created ? 201 : 200, obj);
        return;
      }
      case "delete": {
        const opts = deleteOptions(decode(await readBody(req), req.headers["content-type"] ?? jsonType), query);
        const { obj, code } = this.engine.delete(ri, opts, opts.dryRun?.includes("All") || dryRun);
        sendObj(res, code, obj);
        return;
      }
      case "deletecollection": {
        const opts = deleteOptions(decode(await readBody(req), req.headers["content-type"] ?? jsonType), query);
        send(res, 200, this.engine.deleteCollection(ri, opts, opts.dryRun?.includes("All") || dryRun));
        return;
      }
      default:
        throw new ApiError(405, "the server does not allow this method on the requested resource", "MethodNotAllowed");
    }
  }

  private watch(req: IncomingMessage, res: ServerResponse, ri: ReqInfo, table: boolean): void {
    let closed = false;
    let detach = () => {};
    let timer: NodeJS.Timeout | undefined;
    const bookmarks = ri.query.get("allowWatchBookmarks") === "true";
    const finish = () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      detach();
      this.openWatches.delete(finish);
      res.end();
    };
    res.writeHead(200, { "Content-Type": jsonType, "Transfer-Encoding": "chunked", "Cache-Control": "no-cache" });
    res.flushHeaders();
    this.openWatches.add(finish);
    let render: ((o: KObj) => unknown) | undefined;
    if (table) {
      // Like kube, only the first event's table carries the column definitions.
      const cols = columnsFor(this.engine.resolve(ri.group, ri.version, ri.resource).rt, ri.version);
      let first = true;
      render = (o) => {
        const t = toTable(cols, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject(ri.query), first);
        first = false;
        return t;
      };
    }
    detach = this.engine.watch(
      ri,
      (line) => {
        if (!closed) res.write(line);
      },
      finish,
      render,
    );
    if (closed) detach();
    const timeout = Number(ri.query.get("timeoutSeconds") ?? 0);
    if (timeout > 0) {
      timer = setTimeout(() => {
        if (bookmarks && !closed) res.write(this.engine.currentBookmark(ri));
        finish();
      }, timeout * 1000);
      timer.unref();
    }
    req.on("close", finish);
    res.on("close", finish);
    if (req.destroyed || res.destroyed) finish();
  }

  private nonResource(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    const types = this.engine.types.values.bind(this.engine.types);
    const accept = req.headers.accept ?? "";
    const aggregatedV2 =
      /as=APIGroupDiscoveryList/.test(accept) && /g=apidiscovery\.k8s\.io;\s*v=v2(?!beta)/.test(accept);
    const trimmed = path.replace(/\/+$/, "") || "/";
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendError(res, new ApiError(404, "the server could not find the requested resource", "NotFound"));
      return;
    }
    if (trimmed === "/openapi/v3" || trimmed.startsWith("/openapi/v3/")) {
      this.openapiV3(req, res, trimmed.slice("/openapi/v3".length).replace(/^\//, ""), query);
      return;
    }
    switch (trimmed) {
      case "/openapi/v2": {
        const v2 = /protobuf/.test(accept)
          ? openapiV2Protobuf()
          : { body: this.openapi.swagger(), contentType: jsonType };
        res.writeHead(200, { "Content-Type": v2.contentType, "Content-Length": Buffer.byteLength(v2.body) });
        res.end(v2.body);
        return;
      }
      case "/version":
        sendObj(res, 200, serverVersion);
        return;
      case "/healthz":
      case "/livez":
      case "/readyz":
        send(res, 200, "ok", "text/plain; charset=utf-8");
        return;
      case "/api":
      case "/apis": {
        if (aggregatedV2) {
          send(
            res,
            200,
            JSON.stringify(aggregated(types(), trimmed === "/api", "v2")),
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
          );
        } else if (trimmed === "/api") sendObj(res, 200, apiVersions(this.hostPort));
        else sendObj(res, 200, apiGroupList(types()));
        return;
      }
      case "/.well-known/openid-configuration":
        sendObj(res, 200, this.engine.issuer.openidConfiguration());
        return;
      case "/openid/v1/jwks":
        send(res, 200, JSON.stringify(this.engine.issuer.jwks()), "application/jwk-set+json");
        return;
    }
    const segs = trimmed.split("/").filter((s) => s !== "");
    let doc: KObj | undefined;
    if (segs[0] === "api" && segs.length === 2) doc = apiResourceList(types(), "", segs[1]!);
    else if (segs[0] === "apis" && segs.length === 2) doc = apiGroup(types(), segs[1]!);
    else if (segs[0] === "apis" && segs.length === 3) doc = apiResourceList(types(), segs[1]!, segs[2]!);
    if (doc) sendObj(res, 200, doc);
    else sendError(res, new ApiError(404, "the server could not find the requested resource", "NotFound"));
  }

  /** kube's handler: content-hashed URLs are immutable; a stale hash redirects to the current one. */
  private openapiV3(req: IncomingMessage, res: ServerResponse, key: string, query: URLSearchParams): void {
    if (key === "") {
      const body = JSON.stringify(this.openapi.discovery());
      res.setHeader("Cache-Control", "no-cache, private");
      send(res, 200, body);
      return;
    }
    const doc = this.openapi.document(key);
    if (!doc) {
      send(res, 404, "404 page not found\n", "text/plain; charset=utf-8");
      return;
    }
    const hash = query.get("hash");
    if (hash && hash !== doc.hash) {
      res.writeHead(301, { Location: `/openapi/v3/${key}?hash=${doc.hash}`, "Content-Length": 0 });
      res.end();
      return;
    }
    const etag = `"${doc.hash}"`;
    res.setHeader("ETag", etag);
    if (hash) {
      res.setHeader("Cache-Control", "public, immutable");
      res.setHeader("Expires", new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
    } else res.setHeader("Cache-Control", "no-cache, private");
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    send(res, 200, doc.json);
  }
}

function deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const b = (body && typeof body === "object" ? body : {}) as KObj;
  const opts: DeleteOptions = {
    propagationPolicy: b.propagationPolicy ?? query.get("propagationPolicy") ?? undefined,
    orphanDependents:
      b.orphanDependents ?? (query.has("orphanDependents") ? query.get("orphanDependents") === "true" : undefined),
    preconditions: b.preconditions,
    dryRun: b.dryRun ?? query.getAll("dryRun"),
  };
  return opts;
}

function includeObject(query: URLSearchParams): string {
  return query.get("includeObject") ?? "PartialObjectMetadata";
}
