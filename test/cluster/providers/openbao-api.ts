/**
 * A tiny client for configuring a dev-mode OpenBao over its HTTP API with the root token (mounts, auth
 * methods, policies, namespaces) and reading KV v2 data back.
 */
export class BaoApi {
  constructor(
    readonly addr: string,
    readonly token: string,
  ) {}

  /** Calls /v1/<path>; `ns` sets X-Vault-Namespace. Returns the JSON body (undefined on 204); throws on errors. */
  async call(method: string, path: string, body?: unknown, ns?: string): Promise<any> {
    const res = await fetch(`${this.addr}/v1/${path}`, {
      method,
      headers: {
        "X-Vault-Token": this.token,
        ...(ns ? { "X-Vault-Namespace": ns } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`openbao ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** The KV v2 data at <mount>/<path> (undefined when absent or deleted). */
  async kv2(mount: string, path: string, ns?: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.call("GET", `${mount}/data/${path}`, undefined, ns))?.data?.data ?? undefined;
    } catch (err) {
      if (/: 404 /.test(String(err))) return undefined;
      throw err;
    }
  }

  putKv2(mount: string, path: string, data: Record<string, unknown>, ns?: string) {
    return this.call("POST", `${mount}/data/${path}`, { data }, ns);
  }

  enableAuth(path: string, type: string, ns?: string) {
    return this.call("POST", `sys/auth/${path}`, { type }, ns);
  }

  mount(path: string, type: string, options?: Record<string, unknown>, config?: Record<string, unknown>) {
    return this.call("POST", `sys/mounts/${path}`, {
      type,
      ...(options ? { options } : {}),
      ...(config ? { config } : {}),
    });
  }

  policy(name: string, hcl: string, ns?: string) {
    return this.call("POST", `sys/policies/acl/${name}`, { policy: hcl }, ns);
  }
}
