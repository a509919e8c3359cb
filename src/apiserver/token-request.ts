/** The serviceaccounts/token subresource: a TokenRequest answered with a token the server's issuer signs. */
import type { ClusterState } from "./cluster-state.js";
import { invalidFields, notFound } from "./errors.js";
import type { ReqInfo } from "./request.js";
import type { TokenIssuer } from "./tokens.js";
import type { KObj } from "./types.js";
import { isObject } from "./util.js";
import { saKey } from "./well-known.js";

export function requestToken(state: ClusterState, issuer: TokenIssuer, ri: ReqInfo, body: unknown): KObj {
  const sa = state.types.get(saKey)!.get(ri.namespace ?? "", ri.name!);
  if (!sa) throw notFound("", "serviceaccounts", ri.name!);
  const req = isObject(body) ? body : {};
  const spec: KObj = isObject(req.spec) ? { ...req.spec } : {};
  const audiences: string[] =
    Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : [issuer.issuer];
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  if (typeof expirationSeconds !== "number" || expirationSeconds < 600) {
    throw invalidFields("authentication.k8s.io", "TokenRequest", ri.name!, [
      {
        field: "spec.expirationSeconds",
        type: "Invalid",
        value: expirationSeconds,
        detail: "may not specify a duration less than 10 minutes",
      },
    ]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw invalidFields("authentication.k8s.io", "TokenRequest", ri.name!, [
      {
        field: "spec.expirationSeconds",
        type: "TooLong",
        detail: "may not specify a duration larger than 2^32 seconds",
      },
    ]);
  }
  const bound = isObject(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
  const { token, expiresAt } = issuer.sign({
    namespace: ri.namespace!,
    name: ri.name!,
    uid: sa.metadata.uid,
    audiences,
    expirationSeconds,
    boundObject: bound
      ? { kind: String(bound.kind), name: String(bound.name), uid: String(bound.uid ?? "") }
      : undefined,
  });
  return {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name: ri.name, namespace: ri.namespace, creationTimestamp: null },
    spec: { ...spec, audiences, expirationSeconds, boundObjectRef: bound ?? null },
    status: { token, expirationTimestamp: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z") },
  };
}
