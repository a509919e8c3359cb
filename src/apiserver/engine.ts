/**
 * The resource engine: the stored cluster plus the verbs kube-apiserver serves on it, with the controllers every
 * cluster runs (garbage collector, namespace lifecycle, CRD cleanup, service-account defaults) woken by each change.
 * Each job lives in its own module; this class routes to them. HTTP lives elsewhere.
 */
import { ClusterState } from "./cluster-state.js";
import { reactToCommit } from "./controllers.js";
import * as deletion from "./deletion.js";
import { ApiError } from "./errors.js";
import { bootstrapNamespaces } from "./namespace-lifecycle.js";
import * as reads from "./reads.js";
import type { DeleteOptions, ReqInfo } from "./request.js";
import type { EventType, TypeStore } from "./store.js";
import { requestToken } from "./token-request.js";
import type { TokenIssuer } from "./tokens.js";
import type { KObj } from "./types.js";
import * as watches from "./watch.js";
import * as writes from "./writes.js";

export class Engine extends ClusterState {
  constructor(
    historyCap: number,
    readonly issuer: TokenIssuer,
  ) {
    super(historyCap);
  }

  protected override afterCommit(ts: TypeStore, type: EventType, obj: KObj, prev: KObj | undefined): void {
    reactToCommit(this, ts, type, obj, prev);
  }

  /** Creates the namespaces every cluster starts with (idempotent). */
  bootstrap(): void {
    bootstrapNamespaces(this);
  }

  get(ri: ReqInfo): KObj {
    return reads.get(this, ri);
  }

  /** A serialized List document (items are serialized straight from storage, never copied). */
  list(ri: ReqInfo): string {
    return reads.list(this, ri);
  }

  /** Matched objects for a list, honouring selectors and limit/continue paging. */
  select(ts: TypeStore, ri: ReqInfo): { items: KObj[]; rv: number; cont?: string; remaining?: number } {
    return reads.select(this, ts, ri);
  }

  create(ri: ReqInfo, body: unknown, dryRun = false): KObj {
    const ts = this.resolve(ri.group, ri.version, ri.resource);
    if (ri.subresource) {
      if (ri.resource === "serviceaccounts" && ri.subresource === "token") {
        return requestToken(this, this.issuer, ri, body);
      }
      throw new ApiError(405, `the server does not allow this method on the requested resource`, "MethodNotAllowed");
    }
    return writes.create(this, ts, ri, body, dryRun);
  }

  update(ri: ReqInfo, body: unknown, dryRun = false): { obj: KObj; created: boolean } {
    return writes.update(this, ri, body, dryRun);
  }

  patch(ri: ReqInfo, contentType: string, body: unknown, dryRun = false): { obj: KObj; created: boolean } {
    return writes.patch(this, ri, contentType, body, dryRun);
  }

  delete(ri: ReqInfo, opts: DeleteOptions, dryRun = false): { obj: KObj; code: number } {
    return deletion.deleteOne(this, ri, opts, dryRun);
  }

  deleteCollection(ri: ReqInfo, opts: DeleteOptions, dryRun = false): string {
    return deletion.deleteCollection(this, ri, opts, dryRun);
  }

  /**
   * Opens a watch. `send` receives serialized events (one JSON document per call); `end` closes the stream.
   * Returns a function that detaches the watcher.
   */
  watch(ri: ReqInfo, send: (line: string) => void, end: () => void, render?: (obj: KObj) => unknown): () => void {
    return watches.watch(this, ri, send, end, render);
  }

  currentBookmark(ri: ReqInfo): string {
    return watches.currentBookmark(this, ri);
  }
}
