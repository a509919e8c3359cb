/** The GitLab REST API v4 calls this provider makes (CI/CD variables, projects, groups). */
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_GITLAB_URL = "https://gitlab.com/";

export interface GitlabVariable {
  key: string;
  value: string;
  variable_type?: string;
  environment_scope?: string;
}

/** The endpoints, authenticated with a PRIVATE-TOKEN header. */
export class GitlabApi {
  private readonly base: string;

  constructor(
    url: string | undefined,
    private readonly token: string,
    private readonly ca?: string,
    private readonly signal?: AbortSignal,
  ) {
    this.base = `${(url || DEFAULT_GITLAB_URL).replace(/\/+$/, "")}/api/v4`;
  }

  private async get(path: string, what: string): Promise<{ body: unknown; nextPage?: string }> {
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        url: `${this.base}${path}`,
        headers: { "PRIVATE-TOKEN": this.token, accept: "application/json" },
        ca: this.ca,
        signal: this.signal,
        what: "gitlab response",
      });
    } catch (err) {
      throw new Error(`gitlab: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError("gitlab", what, res.status);
    const next = res.headers["x-next-page"];
    return { body: jsonBody(res, "gitlab", what), nextPage: typeof next === "string" && next ? next : undefined };
  }

  private async getAll(path: string, what: string): Promise<GitlabVariable[]> {
    const out: GitlabVariable[] = [];
    let page: string | undefined = "1";
    while (page) {
      const sep = path.includes("?") ? "&" : "?";
      const r = await this.get(`${path}${sep}per_page=100&page=${page}`, what);
      out.push(...(r.body as GitlabVariable[]));
      page = r.nextPage;
    }
    return out;
  }

  projectVariable(project: string, key: string, environmentScope?: string): Promise<GitlabVariable> {
    const q = environmentScope ? `?filter%5Benvironment_scope%5D=${encodeURIComponent(environmentScope)}` : "";
    const path = `/projects/${encodeURIComponent(project)}/variables/${encodeURIComponent(key)}${q}`;
    return this.get(path, `project ${project} variable "${key}"`).then((r) => r.body as GitlabVariable);
  }

  groupVariable(group: string, key: string): Promise<GitlabVariable> {
    const path = `/groups/${encodeURIComponent(group)}/variables/${encodeURIComponent(key)}`;
    return this.get(path, `group ${group} variable "${key}"`).then((r) => r.body as GitlabVariable);
  }

  projectVariables(project: string): Promise<GitlabVariable[]> {
    return this.getAll(`/projects/${encodeURIComponent(project)}/variables`, `list project ${project} variables`);
  }

  groupVariables(group: string): Promise<GitlabVariable[]> {
    return this.getAll(`/groups/${encodeURIComponent(group)}/variables`, `list group ${group} variables`);
  }

  /** The project's ancestor groups (GET /projects/:id/groups), for inheritFromGroups. */
  async projectGroups(project: string): Promise<string[]> {
    const r = await this.get(`/projects/${encodeURIComponent(project)}/groups`, `list project ${project} groups`);
    return (r.body as { id: number | string }[]).map((g) => String(g.id));
  }

  async project(project: string): Promise<void> {
    await this.get(`/projects/${encodeURIComponent(project)}`, `project ${project}`);
  }

  async group(group: string): Promise<void> {
    await this.get(`/groups/${encodeURIComponent(group)}`, `group ${group}`);
  }
}
