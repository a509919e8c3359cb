/**
 * The one Resource Groups Tagging API call the ACM push needs, GetResources, as upstream finds the certificate it
 * manages for a remote key: filtered server-side by resource type and tags. The SDK for this API is not a
 * dependency, so the JSON 1.1 request is signed here (SigV4, service "tagging"); endpoint override through
 * AWS_TAGGING_ENDPOINT, as the other services' AWS_<SERVICE>_ENDPOINT. Answers are size-capped; throttling and
 * 5xx answers are retried with the store's attempts and backoff.
 */
import { randomInt } from "node:crypto";
import { boundedText } from "../util/bounded-body.js";
import type { CredentialProvider } from "./kit/credentials.js";
import { mapAwsError } from "./kit/errors.js";
import type { AwsSdkTuning } from "./kit/sdk-options.js";
import { signRequest } from "./kit/sigv4.js";

export const TAGGING_ENDPOINT_ENV = "AWS_TAGGING_ENDPOINT";
const TARGET = "ResourceGroupsTaggingAPI_20170126.GetResources";
const MAX_BODY = 4 * 1024 * 1024;
const MAX_PAGES = 100;

export interface TagFilter {
  key: string;
  values: string[];
}

class TaggingError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number },
  ) {
    super(message);
  }
}

function endpoint(region: string): URL {
  const override = process.env[TAGGING_ENDPOINT_ENV];
  return new URL(override || `https://tagging.${region}.amazonaws.com/`);
}

const retryable = (status: number, code: string) =>
  status >= 500 || status === 429 || /Throttl|TooManyRequests/.test(code);

async function call(region: string, credentials: CredentialProvider, tuning: AwsSdkTuning, body: object) {
  const url = endpoint(region);
  const text = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    const creds = await credentials();
    const headers = signRequest(
      {
        method: "POST",
        url,
        headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET },
        body: text,
      },
      creds,
      region,
      "tagging",
    );
    const res = await fetch(url, {
      method: "POST",
      headers,
      body: text,
      signal: AbortSignal.timeout(tuning.requestTimeoutMs),
    });
    const raw = await boundedText(res, MAX_BODY, "aws tagging response");
    let answer: Record<string, unknown> = {};
    try {
      answer = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      if (res.ok) throw new Error("aws: tag:GetResources: the answer is not JSON");
    }
    if (res.ok) return answer;
    const code =
      String(answer.__type ?? "")
        .split("#")
        .pop() || `HTTP${res.status}`;
    const message = String(answer.message ?? answer.Message ?? "");
    if (attempt < tuning.maxAttempts && retryable(res.status, code)) {
      await new Promise((r) => setTimeout(r, randomInt(tuning.retryBaseMs * 2 ** (attempt - 1) + 1)));
      continue;
    }
    throw new TaggingError(code, message, { httpStatusCode: res.status });
  }
}

/** The ARNs of the resources of `resourceType` carrying every tag filter, over all pages. */
export async function findResourcesByTags(
  region: string,
  credentials: CredentialProvider,
  tuning: AwsSdkTuning,
  resourceType: string,
  filters: TagFilter[],
): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await call(region, credentials, tuning, {
        ResourceTypeFilters: [resourceType],
        TagFilters: filters.map((f) => ({ Key: f.key, Values: f.values })),
        ...(token ? { PaginationToken: token } : {}),
      });
      for (const m of (out.ResourceTagMappingList as { ResourceARN?: string }[] | undefined) ?? []) {
        if (m.ResourceARN) arns.push(m.ResourceARN);
      }
      token = typeof out.PaginationToken === "string" && out.PaginationToken ? out.PaginationToken : undefined;
      if (!token) break;
    }
  } catch (err) {
    throw mapAwsError(err, "tag:GetResources");
  }
  return arns;
}
