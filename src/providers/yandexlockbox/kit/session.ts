/**
 * What both Yandex providers do before their first read: check the spec, resolve the authorized key and CA
 * (from the store's own namespace, or a ClusterSecretStore's explicit references), discover the service hosts
 * and obtain an IAM token. `yandexSession` hands back a GET bound to one service with the token.
 */
import type { YandexAuth, YandexCAProvider, YandexFetchingPolicy } from "../../../api/providers/yandex-common.js";
import { ProviderAuthError, StoreConfigError } from "../../errors.js";
import type { ProviderContext, SpecValidation, StoreKind } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import { parseAuthorizedKey } from "./authorized-key.js";
import { DEFAULT_YANDEX_API_ENDPOINT, serviceBase, YANDEX_ENDPOINTS, yandexEndpoints } from "./endpoints.js";
import { type HeldToken, instanceIamToken, keyIamToken, YANDEX_IAM_TOKENS } from "./iam-token.js";
import { type YandexCallTarget, yandexCall } from "./rest.js";

export interface YandexSpec {
  apiEndpoint?: string;
  auth: YandexAuth;
  caProvider?: YandexCAProvider;
  fetching?: YandexFetchingPolicy;
}

/** How remote keys are read: as resource ids, or as names in one folder. */
export type YandexKeyPolicy = { by: "id" } | { by: "name"; folderId: string };

export function keyPolicy(spec: YandexSpec): YandexKeyPolicy {
  if (spec?.fetching?.byName) return { by: "name", folderId: spec.fetching.byName.folderID };
  return { by: "id" };
}

/** Static checks, as upstream's adaptInput plus the reference rules every store follows. */
export function validateYandexSpec(spec: YandexSpec, field: string, storeKind: StoreKind): SpecValidation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fetching = spec?.fetching;
  if (fetching) {
    if (fetching.byName) {
      if (!fetching.byName.folderID) {
        errors.push(`${field}.fetching.byName.folderID: folderID is required when fetching policy is 'byName'`);
      }
    } else if (!fetching.byID) {
      errors.push(`${field}.fetching: requires either 'byName' or 'byID' policy`);
    }
  }
  const refs: [string, { name?: string; key?: string; namespace?: string } | undefined][] = [
    [`${field}.auth.authorizedKeySecretRef`, spec?.auth?.authorizedKeySecretRef],
    [`${field}.caProvider.certSecretRef`, spec?.caProvider?.certSecretRef],
  ];
  for (const [f, ref] of refs) {
    if (!ref) continue;
    if (ref.name && !ref.key) errors.push(`${f}.key: is required`);
    if (storeKind === "SecretStore" && ref.namespace) {
      errors.push(`${f}.namespace: a SecretStore may not reference another namespace`);
    }
    if (storeKind === "ClusterSecretStore" && ref.name && !ref.namespace) {
      warnings.push(`${f}.namespace: unset, so it resolves in the namespace of each ExternalSecret`);
    }
  }
  if (!spec?.auth?.authorizedKeySecretRef?.name) {
    warnings.push(`${field}.auth.authorizedKeySecretRef: unset, so the instance service account is used`);
  }
  return { errors, warnings };
}

export interface YandexSession {
  /** GET `path` (with `query`) on the service `serviceId` names, with the IAM token. */
  get<T>(serviceId: string, path: string, query: URLSearchParams, what: string): Promise<T>;
}

export async function yandexSession(
  spec: YandexSpec,
  ctx: ProviderContext,
  field: string,
  provider: string,
): Promise<YandexSession> {
  const errs = validateYandexSpec(spec, field, ctx.storeKind).errors;
  if (errs.length) throw new StoreConfigError(errs[0]);
  const apiEndpoint = spec.apiEndpoint || DEFAULT_YANDEX_API_ENDPOINT;
  const keyRef = spec.auth?.authorizedKeySecretRef;
  const caRef = spec.caProvider?.certSecretRef;
  const ca = caRef?.name ? await resolveSecretKeyString(ctx, caRef, `${field}.caProvider.certSecretRef`) : undefined;
  const t: YandexCallTarget = { provider, ca, signal: ctx.signal, deadline: ctx.deadline };
  const tokens = ctx.caches.get(YANDEX_IAM_TOKENS);

  let token: HeldToken;
  let endpoints: Map<string, string>;
  if (keyRef?.name) {
    const key = parseAuthorizedKey(
      await resolveSecretKeyString(ctx, keyRef, `${field}.auth.authorizedKeySecretRef`),
      `${field}.auth.authorizedKeySecretRef`,
    );
    endpoints = await yandexEndpoints(ctx.caches.get(YANDEX_ENDPOINTS), apiEndpoint, t);
    token = await keyIamToken(tokens, endpoints, key, t);
  } else {
    // The instance's identity belongs to the operator: never offered to an endpoint a namespace admin chose.
    if (ctx.storeKind === "SecretStore" && apiEndpoint !== DEFAULT_YANDEX_API_ENDPOINT) {
      throw new StoreConfigError(
        `${field}.auth.authorizedKeySecretRef: a SecretStore with its own apiEndpoint must set an authorized key; the instance service account is only offered to ${DEFAULT_YANDEX_API_ENDPOINT}`,
      );
    }
    refuseAmbientCredentials(
      ctx,
      `${field}.auth.authorizedKeySecretRef`,
      "instance service account",
      "an authorized key",
    );
    endpoints = await yandexEndpoints(ctx.caches.get(YANDEX_ENDPOINTS), apiEndpoint, t);
    token = await instanceIamToken(tokens, t);
  }
  return {
    get: <T>(serviceId: string, path: string, query: URLSearchParams, what: string) => {
      const base = serviceBase(endpoints, serviceId, provider);
      const qs = query.toString();
      return yandexCall<T>(t, { url: `${base}${path}${qs ? `?${qs}` : ""}`, token: token.token }, what).catch(
        (err: unknown) => {
          if (err instanceof ProviderAuthError && /HTTP 401/.test(err.message)) token.forget();
          throw err;
        },
      );
    },
  };
}
