/**
 * TokenReview (authentication.k8s.io/v1) and SubjectAccessReview (authorization.k8s.io/v1): create-only,
 * nothing stored. Tokens are the ServiceAccount tokens this server issued (TokenRequest) and the kubeconfig's
 * admin token; access is decided by the stored RBAC objects.
 */
import type { Engine } from "./engine.js";
import { badRequest } from "./errors.js";
import { authorize } from "./rbac.js";
import type { ReqInfo } from "./request.js";
import { type KObj, typeKey } from "./types.js";
import { isObject } from "./util.js";

const tokenReviews = { group: "authentication.k8s.io", version: "v1", resource: "tokenreviews" };
const accessReviews = { group: "authorization.k8s.io", version: "v1", resource: "subjectaccessreviews" };

export function isReview(ri: ReqInfo): boolean {
  if (ri.verb !== "create" || ri.namespace !== undefined || ri.name !== undefined) return false;
  return [tokenReviews, accessReviews].some(
    (r) => r.group === ri.group && r.version === ri.version && r.resource === ri.resource,
  );
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);

export class Reviews {
  constructor(
    private readonly engine: Engine,
    private readonly adminToken: string,
  ) {}

  answer(ri: ReqInfo, body: unknown): KObj {
    const spec = isObject(body) && isObject(body.spec) ? body.spec : undefined;
    if (!spec) throw badRequest("spec is required");
    return ri.resource === tokenReviews.resource ? this.tokenReview(spec) : this.accessReview(spec);
  }

  private tokenReview(spec: KObj): KObj {
    const requested = stringList(spec.audiences);
    const audiences = requested.length > 0 ? requested : [this.engine.issuer.issuer];
    // The token is not echoed back: the answer says who it belongs to, not what it is.
    const review = (status: KObj) => ({
      kind: "TokenReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { audiences: requested },
      status,
    });
    const token = typeof spec.token === "string" ? spec.token : "";
    if (token !== "" && token === this.adminToken) {
      return review({
        authenticated: true,
        user: { username: "eso-apiserver-admin", groups: ["system:masters", "system:authenticated"] },
        audiences,
      });
    }
    const claims = token ? this.engine.issuer.verify(token) : undefined;
    const matched = claims ? claims.audiences.filter((a) => audiences.includes(a)) : [];
    const sa = claims && this.engine.types.get(typeKey("", "serviceaccounts"))?.get(claims.namespace, claims.name);
    if (!claims || matched.length === 0 || sa?.metadata?.uid !== claims.uid) {
      return review({ authenticated: false, user: {}, error: "invalid bearer token" });
    }
    return review({
      authenticated: true,
      user: {
        username: `system:serviceaccount:${claims.namespace}:${claims.name}`,
        uid: claims.uid,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${claims.namespace}`, "system:authenticated"],
      },
      audiences: matched,
    });
  }

  private accessReview(spec: KObj): KObj {
    const user = typeof spec.user === "string" ? spec.user : "";
    const groups = stringList(spec.groups);
    if (!user && groups.length === 0) throw badRequest("at least one of user or group must be specified");
    const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
    const nra = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
    if (!ra === !nra) throw badRequest("exactly one of nonResourceAttributes or resourceAttributes must be specified");
    const answer = authorize(this.engine, {
      user,
      groups,
      nonResource: nra ? { path: String(nra.path ?? ""), verb: String(nra.verb ?? "") } : undefined,
      resource: ra
        ? {
            namespace: typeof ra.namespace === "string" && ra.namespace ? ra.namespace : undefined,
            verb: String(ra.verb ?? ""),
            group: String(ra.group ?? ""),
            resource: String(ra.resource ?? ""),
            subresource: typeof ra.subresource === "string" && ra.subresource ? ra.subresource : undefined,
            name: typeof ra.name === "string" && ra.name ? ra.name : undefined,
          }
        : undefined,
    });
    return {
      kind: "SubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec,
      status: answer.allowed ? { allowed: true, reason: answer.reason } : { allowed: false },
    };
  }
}
