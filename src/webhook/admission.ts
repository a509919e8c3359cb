/** AdmissionReview v1 handling: decode, validate the object, answer allowed or denied with the field path. */

/** Errors deny the request; warnings are returned to the client (kubectl prints them) without denying. */
export type ObjectValidator = (obj: Record<string, unknown>) => string[] | { errors: string[]; warnings: string[] };

export interface AdmissionReviewResponse {
  apiVersion: "admission.k8s.io/v1";
  kind: "AdmissionReview";
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; reason: string; message: string };
    warnings?: string[];
  };
}

export class BadReviewError extends Error {
  override readonly name = "BadReviewError";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasNamespace(obj: Record<string, unknown>): boolean {
  return isObject(obj.metadata) && typeof obj.metadata.namespace === "string" && obj.metadata.namespace !== "";
}

export function handleAdmissionReview(body: unknown, validate: ObjectValidator): AdmissionReviewResponse {
  if (!isObject(body) || body.kind !== "AdmissionReview" || !isObject(body.request)) {
    throw new BadReviewError("body: expected an admission.k8s.io/v1 AdmissionReview with a request");
  }
  const request = body.request;
  if (typeof request.uid !== "string" || request.uid === "") throw new BadReviewError("request.uid: is required");
  const uid = request.uid;
  const answer = (allowed: boolean, message?: string, warnings: string[] = []): AdmissionReviewResponse => ({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: {
      uid,
      allowed,
      ...(allowed ? {} : { status: { code: 422, reason: "Invalid", message: message ?? "" } }),
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  });
  if (request.operation === "DELETE" || request.operation === "CONNECT") return answer(true);
  if (!isObject(request.object)) return answer(false, "request.object: is required for CREATE and UPDATE");
  // The API server fills metadata.namespace from the request before admission; a review without it still carries
  // request.namespace, which namespace-scoped rules need.
  const object =
    typeof request.namespace === "string" && request.namespace !== "" && !hasNamespace(request.object)
      ? { ...request.object, metadata: { ...(request.object.metadata as object), namespace: request.namespace } }
      : request.object;
  const result = validate(object);
  const { errors, warnings } = Array.isArray(result) ? { errors: result, warnings: [] } : result;
  return errors.length === 0 ? answer(true, undefined, warnings) : answer(false, errors.join("; "), warnings);
}
