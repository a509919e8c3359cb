/** The watch verb: the initial or resumed backlog, live events through the type's watchers, and bookmarks. */
import type { ClusterState } from "./cluster-state.js";
import { ApiError, badRequest } from "./errors.js";
import type { ReqInfo } from "./request.js";
import { fieldMatcher, labelMatcher, type Matcher, selectableFields } from "./selectors.js";
import { deliver, type StoredEvent, type TypeStore, type Watcher } from "./store.js";
import { apiVersionOf, type KObj } from "./types.js";

/**
 * Opens a watch. `send` receives serialized events (one JSON document per call); `end` closes the stream.
 * Returns a function that detaches the watcher.
 */
export function watch(
  state: ClusterState,
  ri: ReqInfo,
  send: (line: string) => void,
  end: () => void,
  render?: (obj: KObj) => unknown,
): () => void {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const q = ri.query;
  const labels = labelMatcher(q.get("labelSelector"));
  const fieldSel = q.get("fieldSelector");
  const fields = fieldMatcher(fieldSel, selectableFields(ts.rt));
  const match: Matcher | undefined = labels && fields ? (o) => labels(o) && fields(o) : (labels ?? fields);
  const ns = ts.rt.namespaced ? ri.namespace : undefined;
  const version = ri.version;
  const encode = (type: string, ev: StoredEvent): string => {
    if (render) return `{"type":"${type}","object":${JSON.stringify(render(state.toVersion(ts, ev.obj, version)))}}\n`;
    if (type === ev.type && ev.json?.has(version)) return ev.json.get(version)!;
    const line = `{"type":"${type}","object":${JSON.stringify(state.toVersion(ts, ev.obj, version))}}\n`;
    if (type === ev.type) {
      if (!ev.json) ev.json = new Map();
      ev.json.set(version, line);
    }
    return line;
  };
  const rvParam = q.get("resourceVersion");
  const sendInitial = q.get("sendInitialEvents") === "true";
  const backlog: string[] = [];
  if (!rvParam || rvParam === "0" || sendInitial) {
    for (const o of ts.list(ns)) {
      if (match && !match(o)) continue;
      backlog.push(encode("ADDED", { type: "ADDED", rv: 0, obj: o }));
    }
    if (sendInitial) backlog.push(bookmark(ts, ri.group, version, state.rv, true));
  } else {
    const from = Number(rvParam);
    if (!Number.isFinite(from)) throw badRequest(`invalid resource version "${rvParam}"`);
    const events = ts.since(from);
    if (!events) {
      send(
        JSON.stringify({
          type: "ERROR",
          object: new ApiError(410, `too old resource version: ${from} (${ts.compactedRv})`, "Expired").toStatus(),
        }) + "\n",
      );
      end();
      return () => {};
    }
    const collect: Watcher = {
      send: (type, ev) => backlog.push(encode(type, ev)),
      match,
    };
    for (const ev of events) {
      if (ns !== undefined && (ev.obj.metadata?.namespace ?? "") !== ns) continue;
      deliver(collect, ev);
    }
  }
  for (const line of backlog) send(line);
  const w: Watcher = {
    namespace: ns,
    match,
    send: (type, ev) => send(encode(type, ev)),
    close: end,
  };
  ts.watchers.add(w);
  const bookmarks = q.get("allowWatchBookmarks") === "true";
  const timer = bookmarks ? setInterval(() => send(bookmark(ts, ri.group, version, state.rv)), 10_000) : undefined;
  timer?.unref();
  return () => {
    if (timer) clearInterval(timer);
    ts.watchers.delete(w);
  };
}

/** A BOOKMARK event at the current resourceVersion. */
export function currentBookmark(state: ClusterState, ri: ReqInfo): string {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  return bookmark(ts, ri.group, ri.version, state.rv);
}

/** `initialEventsEnd` marks the bookmark that closes the initial events of a sendInitialEvents watch. */
function bookmark(ts: TypeStore, group: string, version: string, rv: number, initialEventsEnd = false): string {
  const metadata: KObj = { resourceVersion: String(rv) };
  if (initialEventsEnd) metadata.annotations = { "k8s.io/initial-events-end": "true" };
  return (
    JSON.stringify({
      type: "BOOKMARK",
      object: { kind: ts.rt.kind, apiVersion: apiVersionOf(group, version), metadata },
    }) + "\n"
  );
}
