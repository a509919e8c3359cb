/** ConversionReview v1 handling between the served versions of our CRDs. */
import { BadReviewError } from "./admission.js";

export type ObjectConverter = (obj: Record<string, unknown>, toApiVersion: string) => Record<string, unknown>;

export interface ConversionReviewResponse {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "ConversionReview";
  response: {
    uid: string;
    convertedObjects: Record<string, unknown>[];
    result: { status: "Success" | "Failure"; message?: string };
  };
}

export function handleConversionReview(body: unknown, convert: ObjectConverter): ConversionReviewResponse {
  const review = body as {
    kind?: unknown;
    request?: { uid?: unknown; desiredAPIVersion?: unknown; objects?: unknown };
  };
  if (typeof body !== "object" || body === null || review.kind !== "ConversionReview" || !review.request) {
    throw new BadReviewError("body: expected an apiextensions.k8s.io/v1 ConversionReview with a request");
  }
  const { uid, desiredAPIVersion, objects } = review.request;
  if (typeof uid !== "string" || uid === "") throw new BadReviewError("request.uid: is required");
  if (typeof desiredAPIVersion !== "string") throw new BadReviewError("request.desiredAPIVersion: is required");
  if (!Array.isArray(objects)) throw new BadReviewError("request.objects: must be a list");
  const respond = (convertedObjects: Record<string, unknown>[], message?: string): ConversionReviewResponse => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "ConversionReview",
    response: {
      uid,
      convertedObjects,
      result: message === undefined ? { status: "Success" } : { status: "Failure", message },
    },
  });
  const converted: Record<string, unknown>[] = [];
  for (const [i, obj] of objects.entries()) {
    if (typeof obj !== "object" || obj === null) return respond([], `request.objects[${i}]: must be an object`);
    try {
      converted.push(convert(obj as Record<string, unknown>, desiredAPIVersion));
    } catch (err) {
      return respond([], `request.objects[${i}]: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return respond(converted);
}
