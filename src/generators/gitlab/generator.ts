/**
 * GitlabDeployToken: creates a project or group deploy token with an access token read from a Secret in the
 * generator's namespace. Values: username and token, as upstream. Deploy tokens do not go away on their own,
 * so the token's location and ID are the state, and cleanup revokes it once it is superseded or its owner is
 * deleted (the location comes from the state, not the possibly edited spec).
 */
import { parseDuration } from "../../api/duration.js";
import { type GitlabDeployTokenSpec, gitlabDeployTokenIssues } from "../../api/generators/gitlab.js";
import { resolveSecretKeyString } from "../../providers/resolvers.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";
import { createDeployToken, type DeployTokenOwner, revokeDeployToken } from "./transport.js";

const TOKEN_FIELD = "spec.auth.token.secretRef";

/** What cleanup needs; the keys are upstream's, so states written by either operator read the same. */
interface DeployTokenState {
  url: string;
  projectID?: string;
  groupID?: string;
  tokenID: number;
}

export interface GitlabGeneratorOptions {
  /** The clock expiresAfter counts from (tests pin it). */
  now?: () => number;
}

async function accessToken(spec: GitlabDeployTokenSpec, ctx: GeneratorContext): Promise<string> {
  const ref = spec.auth?.token?.secretRef;
  if (!ref) throw new GeneratorError(`${TOKEN_FIELD}: is required`);
  try {
    return await resolveSecretKeyString(
      { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
      ref,
      TOKEN_FIELD,
    );
  } catch (err) {
    throw new GeneratorError((err as Error).message);
  }
}

/** Go's time.RFC3339 in UTC: no fractional seconds. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

function expiresAt(spec: GitlabDeployTokenSpec, nowMs: number): string | undefined {
  if (spec.expiresAt) {
    const ms = Date.parse(spec.expiresAt);
    if (Number.isNaN(ms)) throw new GeneratorError(`spec.expiresAt: "${spec.expiresAt}" is not an RFC 3339 time`);
    return rfc3339(ms);
  }
  if (spec.expiresAfter) return rfc3339(nowMs + parseDuration(spec.expiresAfter));
  return undefined;
}

function parseState(state: Record<string, unknown>): DeployTokenState | undefined {
  const id = state.tokenID;
  if (typeof id !== "number" || !Number.isInteger(id) || id <= 0) return undefined;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  return { url: str(state.url) ?? "", projectID: str(state.projectID), groupID: str(state.groupID), tokenID: id };
}

export function newGitlabDeployTokenGenerator(opts: GitlabGeneratorOptions = {}): Generator<GitlabDeployTokenSpec> {
  const now = opts.now ?? Date.now;
  return {
    kind: "GitlabDeployToken",
    clusterSpecKey: "gitlabDeployTokenSpec",
    async generate(spec, ctx) {
      if (!spec) throw new GeneratorError("spec: is required");
      const issues = gitlabDeployTokenIssues(spec);
      if (issues.length) throw new GeneratorError(issues.map((i) => `${i.path}: ${i.message}`).join("; "));
      if (!spec.name) throw new GeneratorError("spec.name: is required");
      if (!spec.scopes?.length) throw new GeneratorError("spec.scopes: at least one scope is required");
      const token = await accessToken(spec, ctx);
      const owner: DeployTokenOwner = { url: spec.url, projectID: spec.projectID, groupID: spec.groupID };
      const expiry = expiresAt(spec, now());
      const created = await createDeployToken(
        owner,
        {
          name: spec.name,
          scopes: spec.scopes,
          ...(spec.username ? { username: spec.username } : {}),
          ...(expiry ? { expiresAt: expiry } : {}),
        },
        token,
        ctx.signal,
      );
      const state: DeployTokenState = { url: spec.url ?? "", tokenID: created.id };
      if (spec.projectID) state.projectID = spec.projectID;
      if (spec.groupID) state.groupID = spec.groupID;
      return {
        data: { username: Buffer.from(created.username), token: Buffer.from(created.token) },
        state: { ...state },
      };
    },
    async cleanup(spec, rawState, ctx) {
      const state = parseState(rawState ?? {});
      if (!state) return;
      const token = await accessToken(spec, ctx);
      await revokeDeployToken(
        { url: state.url, projectID: state.projectID, groupID: state.groupID },
        state.tokenID,
        token,
        ctx.signal,
      );
    },
  };
}

export const gitlabDeployTokenGenerator = newGitlabDeployTokenGenerator();
