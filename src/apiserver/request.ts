/** What the HTTP layer hands the engine about one request. */

export interface ReqInfo {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  query: URLSearchParams;
  /** Filled by writes with warnings for the client (Warning headers), e.g. unknown fields under fieldValidation=Warn. */
  warnings?: string[];
  /** The request's User-Agent: names the field manager of a write without ?fieldManager. */
  userAgent?: string;
  /** Set once a server-side apply has recorded its field ownership. */
  applied?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export type Propagation = "Background" | "Foreground" | "Orphan";
