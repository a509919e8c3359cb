/**
 * Loopback fake of the Akeyless V2 API as the gateway serves it: JSON POSTs carrying `token`, `/auth` with
 * access-key or Kubernetes (base64 ServiceAccount JWT) credentials, static/dynamic/rotated secret values,
 * describe-item, list-items, create/update/delete. Errors are `{error}` bodies with 401/404/429/5xx statuses.
 * Cloud ids (aws_iam, azure_ad, gcp) are checked as Akeyless does (akeyless-cloud.ts).
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, sendJson as send, startFakeServer } from "../support/fake-server.js";
import { type CloudIdentities, FakeCloudMetadata, refuseCloudId } from "./akeyless-cloud.js";

export interface FakeAkeylessItem {
  type: "STATIC_SECRET" | "DYNAMIC_SECRET" | "ROTATED_SECRET";
  /** Static: versions (last is latest). Dynamic/rotated: the JSON object returned. */
  versions?: string[];
  value?: Record<string, unknown>;
  tags?: string[];
}

export interface AkeylessFake {
  url: string;
  accessKeys: Map<string, string>;
  /** Kubernetes auth: (accessId, confName, jwt) -> allowed. */
  k8sAuth?: (accessId: string, confName: string, jwt: string) => boolean;
  /** aws_iam / azure_ad / gcp: the identities Akeyless trusts, by access id. */
  cloud: CloudIdentities;
  /** Azure IMDS and GCE metadata server issuing the tokens those cloud ids carry. */
  metadata: FakeCloudMetadata;
  /** Why each refused cloud id was refused, in order. */
  cloudRefusals: string[];
  /** Operations whose body asked to bypass the gateway cache (`ignore-cache: "true"`). */
  ignoreCacheOps: string[];
  items: Map<string, FakeAkeylessItem>;
  faults: number[];
  requests: string[];
  close(): Promise<void>;
}

export async function startAkeylessFake(): Promise<AkeylessFake> {
  const tokens = new Set<string>();
  const fake = {
    accessKeys: new Map(),
    items: new Map(),
    faults: [] as number[],
    requests: [] as string[],
    cloud: {},
    cloudRefusals: [] as string[],
    ignoreCacheOps: [] as string[],
    metadata: await new FakeCloudMetadata().start(),
  } as Omit<AkeylessFake, "url" | "close">;
  const handle = (req: FakeRequest, res: ServerResponse) => {
    if (req.method !== "POST") return send(res, 405, { error: "method not allowed" });
    const body = req.json();
    const op = req.url.pathname.replace(/^.*\//, "");
    if (op === "auth") {
      let ok = false;
      if (body["access-type"] === "access_key") ok = fake.accessKeys.get(body["access-id"]) === body["access-key"];
      if (body["access-type"] === "k8s") {
        const jwt = Buffer.from(String(body["k8s-service-account-token"] ?? ""), "base64").toString("utf8");
        ok = fake.k8sAuth?.(body["access-id"], body["k8s-auth-config-name"], jwt) ?? false;
      }
      if (["aws_iam", "azure_ad", "gcp"].includes(body["access-type"])) {
        const why = refuseCloudId(body["access-type"], body["access-id"], body["cloud-id"], fake.cloud, fake.metadata);
        if (why) fake.cloudRefusals.push(why);
        ok = !why;
      }
      if (!ok) return send(res, 401, { error: "authentication failed" });
      const token = `t-${randomUUID()}`;
      tokens.add(token);
      return send(res, 200, { token });
    }
    if (!tokens.has(body.token)) return send(res, 401, { error: "invalid or expired token" });
    if (body["ignore-cache"] === "true") fake.ignoreCacheOps.push(op);
    const name: string = Array.isArray(body.names) ? body.names[0] : (body.names ?? body.name);
    const item = fake.items.get(name);
    const notFound = () => send(res, 404, { error: `item ${name} not found` });
    switch (op) {
      case "describe-item":
        if (!item) return notFound();
        return send(res, 200, { item_name: name, item_type: item.type, item_tags: item.tags ?? [] });
      case "get-secret-value": {
        if (item?.type !== "STATIC_SECRET") return notFound();
        const versions = item.versions ?? [];
        const v = body.version === undefined ? versions.at(-1) : versions[Number(body.version) - 1];
        if (v === undefined) return send(res, 404, { error: "version not found" });
        return send(res, 200, { [name]: v });
      }
      case "get-dynamic-secret-value":
        if (item?.type !== "DYNAMIC_SECRET") return notFound();
        return send(res, 200, item.value ?? {});
      case "get-rotated-secret-value":
        if (item?.type !== "ROTATED_SECRET") return notFound();
        return send(res, 200, { value: item.value ?? {} });
      case "list-items": {
        const prefix = String(body.path ?? "/");
        const types = (body.type ?? []) as string[];
        const items = [...fake.items.entries()]
          .filter(
            ([n, i]) =>
              n.startsWith(prefix) && (!types.length || types.includes(i.type.toLowerCase().replace("_", "-"))),
          )
          .map(([n, i]) => ({ item_name: n, item_type: i.type, item_tags: i.tags ?? [] }));
        return send(res, 200, { items });
      }
      case "create-secret":
        if (item) return send(res, 409, { error: "item already exists" });
        fake.items.set(name, { type: "STATIC_SECRET", versions: [body.value] });
        return send(res, 200, { name });
      case "update-secret-val":
        if (!item) return notFound();
        item.versions = [...(item.versions ?? []), body.value];
        return send(res, 200, { name });
      case "delete-item":
        if (!item) return notFound();
        fake.items.delete(name);
        return send(res, 200, {});
      default:
        return send(res, 404, { error: `unknown operation ${op}` });
    }
  };
  const server = await startFakeServer({
    faults: fake.faults,
    requests: fake.requests,
    record: (req) => req.url.pathname,
    fallback: handle,
  });
  return Object.assign(fake, {
    url: server.url,
    close: async () => {
      await Promise.all([server.close(), fake.metadata.close()]);
    },
  });
}
