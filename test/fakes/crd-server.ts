/**
 * Loopback fake of the Kubernetes API calls the crd provider makes: discovery of a group/version, get and list
 * of objects (namespaced `widgets`, cluster-scoped `gadgets` of example.io/v1alpha1, core `configmaps`), and
 * SelfSubjectAccessReview. Bearer tokens are checked by `authenticate` (401 otherwise); every read is
 * authorized against `grants` (403 otherwise), as the identity the request impersonates when it sends
 * Impersonate-User and its sender may impersonate. Answers are Kubernetes Status objects with the real codes.
 */
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface Grant {
  user: string;
  verb: "get" | "list";
  resource: string;
  /** "" grants every namespace (a ClusterRoleBinding). */
  namespace: string;
}

interface Served {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const SERVED: Served[] = [
  { group: "example.io", version: "v1alpha1", plural: "widgets", kind: "Widget", namespaced: true },
  { group: "example.io", version: "v1alpha1", plural: "gadgets", kind: "Gadget", namespaced: false },
  { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true },
  { group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true },
];

export interface CrdRequest {
  method: string;
  path: string;
  user?: string;
  impersonating?: string;
}

function status(res: ServerResponse, code: number, reason: string, message: string) {
  sendJson(res, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

export class FakeKubeApi {
  url = "";
  /** Objects by "<plural>/<namespace>/<name>" ("" namespace for cluster-scoped ones). */
  readonly objects = new Map<string, Record<string, any>>();
  readonly grants: Grant[] = [];
  /** Users allowed to send Impersonate-User. */
  readonly impersonators = new Set<string>();
  readonly requests: CrdRequest[] = [];
  readonly faults: Fault[] = [];
  private server?: Awaited<ReturnType<typeof startFakeServer<CrdRequest>>>;

  constructor(
    /** The user a bearer token authenticates as, or undefined (401). */
    private readonly authenticate: (token: string) => string | undefined,
    private readonly tls?: { key: string; cert: string },
  ) {}

  put(plural: string, namespace: string, name: string, body: Record<string, unknown>): this {
    const s = SERVED.find((x) => x.plural === plural)!;
    this.objects.set(`${plural}/${namespace}/${name}`, {
      apiVersion: s.group ? `${s.group}/${s.version}` : s.version,
      kind: s.kind,
      metadata: { name, ...(namespace ? { namespace } : {}), uid: `uid-${name}`, resourceVersion: "1" },
      ...body,
    });
    return this;
  }

  grant(user: string, resource: string, verbs: ("get" | "list")[], namespace = ""): this {
    for (const verb of verbs) this.grants.push({ user, verb, resource, namespace });
    return this;
  }

  private allowed(user: string, verb: string, resource: string, namespace: string): boolean {
    return this.grants.some(
      (g) =>
        g.user === user &&
        g.verb === verb &&
        g.resource === resource &&
        (g.namespace === "" || g.namespace === namespace),
    );
  }

  async start(): Promise<this> {
    this.server = await startFakeServer<CrdRequest>({
      tls: this.tls,
      faults: this.faults,
      requests: this.requests,
      record: (req) => ({ method: req.method, path: req.url.pathname }),
      faultBody: (code) => ({ kind: "Status", apiVersion: "v1", status: "Failure", message: `injected ${code}`, code }),
      fallback: (req, res) => this.handle(req, res),
    });
    this.url = this.server.url;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private handle(req: FakeRequest, res: ServerResponse) {
    const record = this.requests.at(-1)!;
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const sender = m ? this.authenticate(m[1]!) : undefined;
    if (!sender) return status(res, 401, "Unauthorized", "Unauthorized");
    record.user = sender;
    let user = sender;
    const imp = req.headers["impersonate-user"];
    if (typeof imp === "string") {
      if (!this.impersonators.has(sender)) {
        return status(res, 403, "Forbidden", `users "${imp}" is forbidden: User "${sender}" cannot impersonate`);
      }
      user = imp;
      record.impersonating = imp;
    }
    const path = req.url.pathname;
    if (req.method === "POST" && path === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
      const body = req.json();
      const a = body?.spec?.resourceAttributes ?? {};
      const allowed = this.allowed(user, a.verb, a.resource, a.namespace ?? "");
      return sendJson(res, 201, { ...body, status: { allowed } });
    }
    const disc = /^\/(?:apis\/([^/]+)|api)\/([^/]+)$/.exec(path);
    if (req.method === "GET" && disc) {
      const group = disc[1] ?? "";
      const served = SERVED.filter((s) => s.group === group && s.version === disc[2]);
      if (!served.length) return status(res, 404, "NotFound", "the server could not find the requested resource");
      return sendJson(res, 200, {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: group ? `${group}/${disc[2]}` : disc[2],
        resources: served.flatMap((s) => [
          { name: s.plural, singularName: "", namespaced: s.namespaced, kind: s.kind, verbs: ["get", "list"] },
          { name: `${s.plural}/status`, singularName: "", namespaced: s.namespaced, kind: s.kind, verbs: ["get"] },
        ]),
      });
    }
    const r = /^\/(?:apis\/([^/]+)|api)\/([^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    const served = r && SERVED.find((s) => s.group === (r[1] ?? "") && s.version === r[2] && s.plural === r[4]);
    if (req.method !== "GET" || !r || !served || (r[3] !== undefined && !served.namespaced)) {
      return status(res, 404, "NotFound", "the server could not find the requested resource");
    }
    const namespace = r[3] ? decodeURIComponent(r[3]) : "";
    const name = r[5] ? decodeURIComponent(r[5]) : undefined;
    const verb = name === undefined ? "list" : "get";
    if (!this.allowed(user, verb, served.plural, namespace)) {
      const where = namespace ? ` in the namespace "${namespace}"` : " at the cluster scope";
      return status(
        res,
        403,
        "Forbidden",
        `${served.plural}.${served.group} is forbidden: User "${user}" cannot ${verb} resource "${served.plural}"${where}`,
      );
    }
    if (name !== undefined) {
      const obj = this.objects.get(`${served.plural}/${namespace}/${name}`);
      if (!obj) return status(res, 404, "NotFound", `${served.plural}.${served.group} "${name}" not found`);
      return sendJson(res, 200, obj);
    }
    const prefix = namespace ? `${served.plural}/${namespace}/` : `${served.plural}/`;
    const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    return sendJson(res, 200, {
      kind: `${served.kind}List`,
      apiVersion: served.group ? `${served.group}/${served.version}` : served.version,
      metadata: { resourceVersion: "10" },
      items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
    });
  }
}
