/**
 * The scripted request sequences the fidelity test runs against both servers. Each sequence works in its own
 * namespace and records the observations to compare under stable labels; `record` normalises them first.
 */
import { stringify as toYaml } from "yaml";
import { allCRDs } from "../../../src/api/crds.js";
import { eventually } from "../../support/poll.js";
import { normalise, normaliseText } from "./normalise.js";
import type { CliResult, Reply, Target } from "./targets.js";

export type Recorder = (label: string, value: unknown) => void;

export interface Sequence {
  name: string;
  run(t: Target, rec: Recorder): Promise<void>;
}

const merge = "application/merge-patch+json";
const jsonPatch = "application/json-patch+json";
const strategic = "application/strategic-merge-patch+json";
const apply = "application/apply-patch+yaml";
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io";

function reply(r: Reply): unknown {
  return normalise({ status: r.status, body: r.body });
}

/** A Table reply split into what it shows (columns, rows) and the columns' documentation text. */
function table(rec: Recorder, label: string, r: Reply): void {
  const body = r.body as { columnDefinitions?: { description?: string }[] };
  if (r.status !== 200 || !Array.isArray(body?.columnDefinitions)) {
    rec(label, reply(r));
    return;
  }
  const descriptions = body.columnDefinitions.map((c) => c.description);
  const columns = body.columnDefinitions.map(({ description: _d, ...c }) => c);
  rec(label, reply({ ...r, body: { ...body, columnDefinitions: columns } }));
  rec(`${label}: column descriptions`, descriptions);
}

function cli(r: CliResult): unknown {
  return { code: r.code, stdout: normaliseText(r.stdout), stderr: normaliseText(r.stderr) };
}

function cm(ns: string, name: string, data: Record<string, string>, labels?: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
    data,
  };
}

async function namespace(t: Target, ns: string): Promise<void> {
  const r = await t.http("POST", "/api/v1/namespaces", {
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
  });
  if (r.status !== 201) throw new Error(`${t.name}: creating namespace ${ns}: ${r.status} ${JSON.stringify(r.body)}`);
}

async function untilEstablished(t: Target, names: string[], groupVersion = "external-secrets.io/v1"): Promise<void> {
  const poll = { timeoutMs: 60_000, intervalMs: 200 };
  for (const name of names) {
    await eventually(
      async () => {
        const r = await t.http("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        const conds: { type: string; status: string }[] = r.body?.status?.conditions ?? [];
        return conds.some((c) => c.type === "Established" && c.status === "True");
      },
      { ...poll, what: `${t.name}: CRD ${name} established` },
    );
  }
  // The real server serves a new group some moments after Established.
  await eventually(async () => (await t.http("GET", `/apis/${groupVersion}`)).status === 200, {
    ...poll,
    what: `${t.name}: ${groupVersion} served`,
  });
}

const crud: Sequence = {
  name: "crud",
  async run(t, rec) {
    const ns = "fid-crud";
    await namespace(t, ns);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    rec("create", reply(await t.http("POST", base, { body: cm(ns, "a", { k: "v" }) })));
    rec("get", reply(await t.http("GET", `${base}/a`)));
    rec("create existing (409 AlreadyExists)", reply(await t.http("POST", base, { body: cm(ns, "a", { k: "v" }) })));
    rec("get missing (404)", reply(await t.http("GET", `${base}/missing`)));
    const stale = { ...cm(ns, "a", { k: "v2" }), metadata: { name: "a", namespace: ns, resourceVersion: "1" } };
    rec("update stale resourceVersion (409 Conflict)", reply(await t.http("PUT", `${base}/a`, { body: stale })));
    rec("update name mismatch (400)", reply(await t.http("PUT", `${base}/a`, { body: cm(ns, "b", { k: "v" }) })));
    rec("create invalid name (422)", reply(await t.http("POST", base, { body: cm(ns, "Bad_Name", { k: "v" }) })));
    rec("create namespace mismatch (400)", reply(await t.http("POST", base, { body: cm("other", "c", { k: "v" }) })));
    rec(
      "merge patch",
      reply(
        await t.http("PATCH", `${base}/a`, {
          contentType: merge,
          body: { data: { k: null, m: "1" }, metadata: { labels: { x: "y" } } },
        }),
      ),
    );
    rec(
      "json patch",
      reply(
        await t.http("PATCH", `${base}/a`, {
          contentType: jsonPatch,
          body: [
            { op: "add", path: "/data/j", value: "2" },
            { op: "replace", path: "/metadata/labels/x", value: "z" },
          ],
        }),
      ),
    );
    rec(
      "json patch failing test op",
      reply(
        await t.http("PATCH", `${base}/a`, {
          contentType: jsonPatch,
          body: [{ op: "test", path: "/data/j", value: "nope" }],
        }),
      ),
    );
    rec(
      "json patch missing path",
      reply(
        await t.http("PATCH", `${base}/a`, { contentType: jsonPatch, body: [{ op: "remove", path: "/data/absent" }] }),
      ),
    );
    rec(
      "strategic merge patch",
      reply(
        await t.http("PATCH", `${base}/a`, {
          contentType: strategic,
          body: { data: { s: "3" }, metadata: { labels: { x: null } } },
        }),
      ),
    );
    rec(
      "patch missing object (404)",
      reply(await t.http("PATCH", `${base}/none`, { contentType: merge, body: { data: {} } })),
    );
    rec(
      "create with generateName",
      reply(
        await t.http("POST", base, {
          body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-" } },
        }),
      ),
    );
    rec("delete", reply(await t.http("DELETE", `${base}/a`)));
    rec("delete again (404)", reply(await t.http("DELETE", `${base}/a`)));
    rec("delete with uid precondition mismatch", {
      create: reply(await t.http("POST", base, { body: cm(ns, "p", {}) })),
      del: reply(
        await t.http("DELETE", `${base}/p`, {
          body: {
            kind: "DeleteOptions",
            apiVersion: "v1",
            preconditions: { uid: "00000000-0000-0000-0000-000000000000" },
          },
        }),
      ),
    });
    rec("secret stringData and immutable", {
      create: reply(
        await t.http("POST", `/api/v1/namespaces/${ns}/secrets`, {
          body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "b" }, immutable: true },
        }),
      ),
      update: reply(
        await t.http("PATCH", `/api/v1/namespaces/${ns}/secrets/s`, {
          contentType: merge,
          body: { data: { a: "Yw==" } },
        }),
      ),
    });
    rec(
      "secret invalid data (not base64)",
      reply(
        await t.http("POST", `/api/v1/namespaces/${ns}/secrets`, {
          body: { apiVersion: "v1", kind: "Secret", metadata: { name: "bad" }, data: { a: "%%%" } },
        }),
      ),
    );
    rec(
      "unknown resource type (404)",
      reply(await t.http("GET", "/apis/nothing.example.com/v1/namespaces/default/things")),
    );
    rec(
      "strict field validation",
      reply(
        await t.http("POST", `${base}?fieldValidation=Strict`, {
          body: { ...cm(ns, "strict", {}), bogus: 1, metadata: { name: "strict", bogusMeta: 2 } },
        }),
      ),
    );
    const warn = await t.http("POST", `${base}?fieldValidation=Warn`, {
      body: { ...cm(ns, "warn", {}), bogus: 1, metadata: { name: "warn", labelz: 1 } },
    });
    rec("warn field validation", { ...(reply(warn) as object), warning: warn.headers.warning });
  },
};

const selectors: Sequence = {
  name: "selectors",
  async run(t, rec) {
    const ns = "fid-sel";
    await namespace(t, ns);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const specs: [string, Record<string, string>][] = [
      ["c1", { app: "a", tier: "web" }],
      ["c2", { app: "a", tier: "db" }],
      ["c3", { app: "b" }],
      ["c4", { app: "b", tier: "web" }],
      ["c5", {}],
    ];
    for (const [name, labels] of specs) await t.http("POST", base, { body: cm(ns, name, { n: name }, labels) });
    const names = (r: Reply) =>
      r.status === 200 ? (r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name) : reply(r);
    for (const sel of [
      "app=a",
      "app!=a",
      "app in (a,b),tier",
      "tier notin (web)",
      "!tier",
      "app=a,tier=db",
      "app==b",
    ]) {
      rec(`labelSelector ${sel}`, names(await t.http("GET", `${base}?labelSelector=${encodeURIComponent(sel)}`)));
    }
    rec("labelSelector invalid", reply(await t.http("GET", `${base}?labelSelector=${encodeURIComponent("app in a")}`)));
    for (const sel of ["metadata.name=c2", "metadata.name!=c2", `metadata.namespace=${ns}`]) {
      rec(`fieldSelector ${sel}`, names(await t.http("GET", `${base}?fieldSelector=${encodeURIComponent(sel)}`)));
    }
    rec("fieldSelector unsupported field", reply(await t.http("GET", `${base}?fieldSelector=data.n%3Dc1`)));
    const p1 = await t.http("GET", `${base}?limit=2`);
    rec("page 1", reply(p1));
    const p2 = await t.http("GET", `${base}?limit=2&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
    rec("page 2", reply(p2));
    const p3 = await t.http("GET", `${base}?limit=2&continue=${encodeURIComponent(p2.body.metadata.continue)}`);
    rec("page 3 (last)", reply(p3));
    rec("limit with labelSelector", reply(await t.http("GET", `${base}?limit=1&labelSelector=app%3Db`)));
    rec("invalid continue token", reply(await t.http("GET", `${base}?limit=2&continue=garbage`)));
    rec(
      "cluster-wide list with fieldSelector",
      names(
        await t.http(
          "GET",
          `/api/v1/configmaps?fieldSelector=${encodeURIComponent(`metadata.namespace=${ns},metadata.name=c1`)}`,
        ),
      ),
    );
    table(rec, "table list", await t.http("GET", `${base}?labelSelector=app%3Da`, { accept: tableAccept }));
    table(rec, "table get", await t.http("GET", `${base}/c1`, { accept: tableAccept }));
  },
};

const watches: Sequence = {
  name: "watch",
  async run(t, rec) {
    const ns = "fid-watch";
    await namespace(t, ns);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const start = await t.http("GET", base);
    const rv = start.body.metadata.resourceVersion as string;
    await t.http("POST", base, { body: cm(ns, "w1", { a: "1" }, { app: "x" }) });
    await t.http("PATCH", `${base}/w1`, { contentType: merge, body: { data: { a: "2" } } });
    await t.http("PATCH", `${base}/w1`, { contentType: merge, body: { metadata: { labels: { app: "y" } } } });
    await t.http("POST", base, { body: cm(ns, "w2", {}, { app: "x" }) });
    await t.http("DELETE", `${base}/w2`);
    const events = (w: { status: number; events: any[] }) => ({
      status: w.status,
      events: w.events.map((e) => normalise({ type: e.type, object: e.object })),
    });
    rec("watch from rv replays events", events(await t.watch(`${base}?watch=true&resourceVersion=${rv}`, 5)));
    rec(
      "watch with label selector (object leaving the selection is DELETED)",
      events(await t.watch(`${base}?watch=true&resourceVersion=${rv}&labelSelector=app%3Dx`, 4)),
    );
    rec(
      "legacy watch path",
      events(await t.watch(`/api/v1/watch/namespaces/${ns}/configmaps?resourceVersion=${rv}`, 5)),
    );
    rec(
      "watch single object by fieldSelector",
      events(await t.watch(`${base}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw2`, 2)),
    );
    // A fresh real server still holds every event since it started in its watch cache, so resourceVersion=1 is
    // replayed rather than 410 Gone; forcing etcd compaction under a running test is not reproducible.
    rec("watch from resourceVersion 1", events(await t.watch(`${base}?watch=true&resourceVersion=1`, 5)));
    // kubectl get -w: the initial listing, then one line per change.
    const w = t.kubectlStream(["get", "configmaps", "-n", ns, "-w", "--output-watch-events", "-l", "app"]);
    await untilLines(w, 2);
    await t.http("POST", base, { body: cm(ns, "w3", {}, { app: "z" }) });
    await untilLines(w, 3);
    await t.http("DELETE", `${base}/w3`);
    await untilLines(w, 4);
    rec("kubectl get -w", cli(await w.stop()));
  },
};

/** Waits up to 10 s for the stream to have `n` lines; not an error when it does not: the recording shows it. */
async function untilLines(w: { lines(): string[] }, n: number): Promise<void> {
  await eventually(() => w.lines().length >= n, { timeoutMs: 10_000, intervalMs: 50 }).catch(() => {});
}

const kubectlCli: Sequence = {
  name: "kubectl",
  async run(t, rec) {
    const ns = "fid-kubectl";
    await namespace(t, ns);
    const doc = (data: Record<string, string>) => toYaml({ ...cm(ns, "k", data, { app: "k" }) });
    rec("apply create", cli(await t.kubectl(["apply", "-f", "-"], doc({ a: "1" }))));
    rec("apply unchanged", cli(await t.kubectl(["apply", "-f", "-"], doc({ a: "1" }))));
    rec("apply configured", cli(await t.kubectl(["apply", "-f", "-"], doc({ a: "2", b: "3" }))));
    rec("get -o json", normalise(JSON.parse((await t.kubectl(["get", "cm", "k", "-n", ns, "-o", "json"])).stdout)));
    rec("get table", cli(await t.kubectl(["get", "cm", "-n", ns])));
    rec("get -o wide --show-labels", cli(await t.kubectl(["get", "cm", "k", "-n", ns, "-o", "wide", "--show-labels"])));
    rec(
      "patch merge",
      cli(await t.kubectl(["patch", "cm", "k", "-n", ns, "--type", "merge", "-p", '{"data":{"m":"1"}}'])),
    );
    rec(
      "patch json",
      cli(
        await t.kubectl(["patch", "cm", "k", "-n", ns, "--type", "json", "-p", '[{"op":"remove","path":"/data/m"}]']),
      ),
    );
    rec("patch strategic", cli(await t.kubectl(["patch", "cm", "k", "-n", ns, "-p", '{"data":{"s":"1"}}'])));
    rec("patch no change", cli(await t.kubectl(["patch", "cm", "k", "-n", ns, "-p", '{"data":{"s":"1"}}'])));
    rec("label", cli(await t.kubectl(["label", "cm", "k", "-n", ns, "extra=yes"])));
    rec("label existing without overwrite", cli(await t.kubectl(["label", "cm", "k", "-n", ns, "extra=no"])));
    rec("get -o yaml", normaliseYamlish((await t.kubectl(["get", "cm", "k", "-n", ns, "-o", "yaml"])).stdout));
    rec("get missing", cli(await t.kubectl(["get", "cm", "missing", "-n", ns])));
    rec("get unknown type", cli(await t.kubectl(["get", "gizmos", "-n", ns])));
    rec("create existing", cli(await t.kubectl(["create", "-f", "-"], doc({ a: "1" }))));
    rec("delete", cli(await t.kubectl(["delete", "cm", "k", "-n", ns])));
    rec("delete missing", cli(await t.kubectl(["delete", "cm", "k", "-n", ns])));
    rec("delete --ignore-not-found", cli(await t.kubectl(["delete", "cm", "k", "-n", ns, "--ignore-not-found"])));
    rec(
      "create secret generic",
      cli(await t.kubectl(["create", "secret", "generic", "s1", "-n", ns, "--from-literal=a=b"])),
    );
    rec(
      "get secret -o jsonpath",
      cli(await t.kubectl(["get", "secret", "s1", "-n", ns, "-o", "jsonpath={.data.a} {.type}"])),
    );
    rec("apply invalid", cli(await t.kubectl(["apply", "-f", "-"], toYaml(cm(ns, "UPPER", {})))));
    rec(
      "apply unknown field (kubectl validation)",
      cli(await t.kubectl(["apply", "-f", "-"], toYaml({ ...cm(ns, "unk", {}), spec: { x: 1 } }))),
    );
  },
};

function normaliseYamlish(s: string): unknown {
  return normaliseText(
    s
      .split("\n")
      .map((l) =>
        l
          .replace(/(creationTimestamp|time): .*/, "$1: <time>")
          .replace(/(resourceVersion): .*/, "$1: <rv>")
          .replace(/(uid): .*/, "$1: <uid>"),
      )
      .join("\n"),
  );
}

const serverSideApply: Sequence = {
  name: "server-side-apply",
  async run(t, rec) {
    const ns = "fid-ssa";
    await namespace(t, ns);
    const path = `/api/v1/namespaces/${ns}/configmaps/ssa`;
    const body = (data: Record<string, string>) => toYaml(cm(ns, "ssa", data));
    rec(
      "apply by manager a",
      reply(await t.http("PATCH", `${path}?fieldManager=a`, { contentType: apply, body: body({ x: "1", w: "1" }) })),
    );
    rec(
      "apply by manager b conflicts (409)",
      reply(await t.http("PATCH", `${path}?fieldManager=b`, { contentType: apply, body: body({ x: "2" }) })),
    );
    rec(
      "apply by manager b with force",
      reply(await t.http("PATCH", `${path}?fieldManager=b&force=true`, { contentType: apply, body: body({ x: "2" }) })),
    );
    rec(
      "apply by manager a drops its field w",
      reply(
        await t.http("PATCH", `${path}?fieldManager=a`, {
          contentType: apply,
          body: toYaml({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", namespace: ns } }),
        }),
      ),
    );
    rec(
      "apply YAML with an unquoted y key",
      reply(
        await t.http("PATCH", `/api/v1/namespaces/${ns}/configmaps/yaml11?fieldManager=a`, {
          contentType: apply,
          body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml11\ndata:\n  y: a\n  n: b\n",
        }),
      ),
    );
    rec(
      "apply without fieldManager (422)",
      reply(await t.http("PATCH", path, { contentType: apply, body: body({ x: "2" }) })),
    );
    rec("update by other manager then get managedFields", {
      put: reply(
        await t.http("PATCH", `${path}?fieldManager=editor`, { contentType: merge, body: { data: { z: "9" } } }),
      ),
    });
    const doc = (data: Record<string, string>) => toYaml(cm(ns, "kssa", data));
    rec(
      "kubectl apply --server-side",
      cli(await t.kubectl(["apply", "--server-side", "--field-manager=one", "-f", "-"], doc({ a: "1" }))),
    );
    rec(
      "kubectl apply --server-side conflict",
      cli(await t.kubectl(["apply", "--server-side", "--field-manager=two", "-f", "-"], doc({ a: "2" }))),
    );
    rec(
      "kubectl apply --server-side --force-conflicts",
      cli(
        await t.kubectl(
          ["apply", "--server-side", "--field-manager=two", "--force-conflicts", "-f", "-"],
          doc({ a: "2" }),
        ),
      ),
    );
    rec(
      "managedFields after force",
      normalise((await t.http("GET", `/api/v1/namespaces/${ns}/configmaps/kssa`)).body.metadata.managedFields),
    );
  },
};

/** A CRD whose schema marks a map, a struct and a list atomic, for the atomic server-side apply sequence. */
const atomicCRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "fidgadgets.fidelity.example.com" },
  spec: {
    group: "fidelity.example.com",
    names: { kind: "FidGadget", listKind: "FidGadgetList", plural: "fidgadgets", singular: "fidgadget" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  selector: {
                    type: "object",
                    additionalProperties: { type: "string" },
                    "x-kubernetes-map-type": "atomic",
                  },
                  target: {
                    type: "object",
                    properties: { name: { type: "string" }, port: { type: "integer" } },
                    "x-kubernetes-map-type": "atomic",
                  },
                  tags: { type: "object", additionalProperties: { type: "string" } },
                  hosts: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "atomic" },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const serverSideApplyAtomic: Sequence = {
  name: "server-side-apply-atomic",
  async run(t, rec) {
    const ns = "fid-ssa-atomic";
    await namespace(t, ns);
    const made = await t.http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: atomicCRD });
    if (made.status !== 201 && made.status !== 409)
      throw new Error(
        `${t.name}: creating CRD ${atomicCRD.metadata.name}: ${made.status} ${JSON.stringify(made.body)}`,
      );
    await untilEstablished(t, [atomicCRD.metadata.name], "fidelity.example.com/v1");
    const base = `/apis/fidelity.example.com/v1/namespaces/${ns}/fidgadgets`;
    const body = (name: string, spec: object) =>
      toYaml({ apiVersion: "fidelity.example.com/v1", kind: "FidGadget", metadata: { name, namespace: ns }, spec });
    const ssa = async (name: string, manager: string, spec: object, force = false) =>
      reply(
        await t.http("PATCH", `${base}/${name}?fieldManager=${manager}${force ? "&force=true" : ""}`, {
          contentType: apply,
          body: body(name, spec),
        }),
      );
    rec("atomic map: apply by a", await ssa("g1", "a", { selector: { app: "web", tier: "front" }, tags: { x: "1" } }));
    rec("atomic map: apply by b conflicts on the map (409)", await ssa("g1", "b", { selector: { app: "api" } }));
    rec("atomic map: apply by b with force replaces it", await ssa("g1", "b", { selector: { app: "api" } }, true));
    rec("granular map: apply by b merges keys", await ssa("g1", "b", { selector: { app: "api" }, tags: { y: "2" } }));
    rec("atomic struct: apply by a", await ssa("g2", "a", { target: { name: "db", port: 5432 } }));
    rec("atomic struct: a drops a member", await ssa("g2", "a", { target: { name: "db" } }));
    rec("atomic list: apply by a", await ssa("g3", "a", { hosts: ["h1", "h2"] }));
    rec("atomic list: apply by b conflicts (409)", await ssa("g3", "b", { hosts: ["h3"] }));
    rec(
      "atomic map: merge patch by an editor takes the map",
      reply(
        await t.http("PATCH", `${base}/g1?fieldManager=editor`, {
          contentType: merge,
          body: { spec: { selector: { tier: "back" } } },
        }),
      ),
    );
  },
};

const crds: Sequence = {
  name: "crds",
  async run(t, rec) {
    const ns = "fid-crd";
    await namespace(t, ns);
    const defs = allCRDs() as { metadata: { name: string } }[];
    for (const crd of defs) {
      const r = await t.http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
      if (r.status !== 201)
        throw new Error(`${t.name}: creating CRD ${crd.metadata.name}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    await untilEstablished(
      t,
      defs.map((d) => d.metadata.name),
    );
    const base = `/apis/external-secrets.io/v1/namespaces/${ns}/externalsecrets`;
    const es = (name: string, spec: object, extra: object = {}) => ({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name },
      spec,
      ...extra,
    });
    const spec = {
      secretStoreRef: { name: "store", kind: "SecretStore" },
      data: [{ secretKey: "k", remoteRef: { key: "r" } }],
    };
    rec("create defaults applied", reply(await t.http("POST", base, { body: es("e1", spec) })));
    rec(
      "unknown fields pruned",
      reply(await t.http("POST", base, { body: es("e2", { ...spec, bogus: true }, { status: { x: 1 }, extra: 1 }) })),
    );
    rec(
      "fieldValidation=Strict unknown field (400)",
      reply(await t.http("POST", `${base}?fieldValidation=Strict`, { body: es("e3", { ...spec, bogus: true }) })),
    );
    rec(
      "fieldValidation=Strict reports unknown fields in order",
      reply(
        await t.http("POST", `${base}?fieldValidation=Strict`, {
          body: { zeta: 1, ...es("e8", { zz: 1, ...spec, aa: { b: 1 } }), metadata: { name: "e8", bogus: 1 } },
        }),
      ),
    );
    const warn = await t.http("POST", `${base}?fieldValidation=Warn`, { body: es("e4", { ...spec, bogus: true }) });
    rec("fieldValidation=Warn header", { status: warn.status, warning: warn.headers.warning });
    rec(
      "enum violation (422)",
      reply(await t.http("POST", base, { body: es("e5", { ...spec, target: { creationPolicy: "Sometimes" } }) })),
    );
    rec(
      "missing required (422)",
      reply(await t.http("POST", base, { body: es("e6", { data: [{ secretKey: "k" }] }) })),
    );
    rec(
      "status ignored on main resource",
      reply(
        await t.http("PATCH", `${base}/e1`, {
          contentType: merge,
          body: {
            status: { refreshTime: "2020-01-01T00:00:00Z", syncedResourceVersion: "x" },
            metadata: { labels: { l: "1" } },
          },
        }),
      ),
    );
    rec(
      "spec ignored on status subresource",
      reply(
        await t.http("PATCH", `${base}/e1/status`, {
          contentType: merge,
          body: { spec: { refreshInterval: "5m" }, status: { syncedResourceVersion: "1-abc", conditions: [] } },
        }),
      ),
    );
    const cur = await t.http("GET", `${base}/e1`);
    rec("generation bumps on spec change only", {
      before: cur.body.metadata.generation,
      after: (await t.http("PATCH", `${base}/e1`, { contentType: merge, body: { spec: { refreshInterval: "2h" } } }))
        .body.metadata.generation,
    });
    rec(
      "put status with stale rv (409)",
      reply(
        await t.http("PUT", `${base}/e1/status`, { body: { ...cur.body, status: { syncedResourceVersion: "z" } } }),
      ),
    );
    rec(
      "strategic merge on a custom resource (415)",
      reply(
        await t.http("PATCH", `${base}/e1`, { contentType: strategic, body: { metadata: { labels: { s: "1" } } } }),
      ),
    );
    rec(
      "server-side apply to a custom resource",
      reply(await t.http("PATCH", `${base}/e7?fieldManager=fid`, { contentType: apply, body: toYaml(es("e7", spec)) })),
    );
    table(rec, "table list", await t.http("GET", base, { accept: tableAccept }));
    rec("delete a custom resource", reply(await t.http("DELETE", `${base}/e2`)));
    rec("kubectl get externalsecrets", cli(await t.kubectl(["get", "externalsecrets", "-n", ns])));
    rec("kubectl get es (short name) -o name", cli(await t.kubectl(["get", "es", "-n", ns, "-o", "name"])));
    rec("kubectl explain", cli(await t.kubectl(["explain", "externalsecret.spec.target.creationPolicy"])));
    rec(
      "cluster-scoped store",
      reply(
        await t.http("POST", "/apis/external-secrets.io/v1/clustersecretstores", {
          body: {
            apiVersion: "external-secrets.io/v1",
            kind: "ClusterSecretStore",
            metadata: { name: "css" },
            spec: { provider: { fake: { data: [{ key: "a", value: "b" }] } } },
          },
        }),
      ),
    );
    rec("kubectl get clustersecretstores", cli(await t.kubectl(["get", "clustersecretstores"])));
  },
};

/** Discovery documents, restricted to what our server serves: the real one has many more built-in kinds. */
const discovery: Sequence = {
  name: "discovery",
  async run(t, rec) {
    const groups = await t.http("GET", "/apis");
    rec(
      "/apis external-secrets.io entry",
      normalise((groups.body.groups as { name: string }[]).find((g) => g.name === "external-secrets.io")),
    );
    rec(
      "/apis/external-secrets.io/v1",
      normalise(sortResources((await t.http("GET", "/apis/external-secrets.io/v1")).body)),
    );
    rec("/apis/external-secrets.io", reply(await t.http("GET", "/apis/external-secrets.io")));
    const core = await t.http("GET", "/api/v1");
    const pick = [
      "configmaps",
      "secrets",
      "namespaces",
      "serviceaccounts",
      "serviceaccounts/token",
      "events",
      "configmaps",
    ];
    for (const name of new Set(pick)) {
      rec(`/api/v1 ${name}`, normalise((core.body.resources as { name: string }[]).find((r) => r.name === name)));
    }
    const agg = await t.http("GET", "/apis", {
      accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
    });
    rec("aggregated discovery content type", agg.contentType);
    const item = (agg.body.items as { metadata: { name: string } }[]).find(
      (i) => i.metadata.name === "external-secrets.io",
    );
    rec("aggregated discovery external-secrets.io", normalise(sortAggregated(item)));
    rec("/api", normalise({ ...(await t.http("GET", "/api")).body, serverAddressByClientCIDRs: "<addresses>" }));
    const v2 = await t.http("GET", "/openapi/v2", { accept: "application/json" });
    const defs = Object.keys(v2.body?.definitions ?? {});
    const paths = Object.keys(v2.body?.paths ?? {});
    rec("/openapi/v2 status", { status: v2.status, swagger: v2.body?.swagger });
    rec(
      "/openapi/v2 external-secrets paths",
      paths.filter((p) => p.startsWith("/apis/external-secrets.io/v1/")).sort(),
    );
    rec("/openapi/v2 ExternalSecret definition", {
      present: defs.includes("io.external-secrets.v1.ExternalSecret"),
      gvk: v2.body?.definitions?.["io.external-secrets.v1.ExternalSecret"]?.["x-kubernetes-group-version-kind"],
      properties: Object.keys(v2.body?.definitions?.["io.external-secrets.v1.ExternalSecret"]?.properties ?? {}).sort(),
    });
    rec("/openapi/v2 ConfigMap definition", {
      present: defs.includes("io.k8s.api.core.v1.ConfigMap"),
      gvk: v2.body?.definitions?.["io.k8s.api.core.v1.ConfigMap"]?.["x-kubernetes-group-version-kind"],
    });
    const list = v2.body?.paths?.["/apis/external-secrets.io/v1/namespaces/{namespace}/externalsecrets"];
    rec("/openapi/v2 externalsecrets list path", {
      methods: Object.keys(list ?? {})
        .filter((m) => m !== "parameters")
        .sort(),
      getOperation: list?.get?.operationId,
      getAction: list?.get?.["x-kubernetes-action"],
    });
  },
};

function sortResources(doc: any): any {
  if (doc?.resources) doc.resources.sort((a: any, b: any) => a.name.localeCompare(b.name));
  return doc;
}

function sortAggregated(item: any): any {
  for (const v of item?.versions ?? []) {
    v.resources?.sort((a: any, b: any) => a.resource.localeCompare(b.resource));
    for (const r of v.resources ?? [])
      r.subresources?.sort((a: any, b: any) => a.subresource.localeCompare(b.subresource));
  }
  return item;
}

const lifecycle: Sequence = {
  name: "lifecycle",
  async run(t, rec) {
    const ns = "fid-life";
    await namespace(t, ns);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    rec("dryRun create", reply(await t.http("POST", `${base}?dryRun=All`, { body: cm(ns, "dry", { a: "1" }) })));
    rec("dryRun left nothing", reply(await t.http("GET", `${base}/dry`)));
    rec(
      "update of a missing ConfigMap (404)",
      reply(await t.http("PUT", `${base}/nope`, { body: cm(ns, "nope", {}) })),
    );
    const withFinalizer = { ...cm(ns, "fin", { a: "1" }), metadata: { name: "fin", finalizers: ["example.com/hold"] } };
    rec("create with a finalizer", reply(await t.http("POST", base, { body: withFinalizer })));
    const rv = (await t.http("GET", base)).body.metadata.resourceVersion as string;
    rec("delete held by a finalizer", reply(await t.http("DELETE", `${base}/fin`)));
    rec(
      "adding a finalizer while deleting (422)",
      reply(
        await t.http("PATCH", `${base}/fin`, {
          contentType: merge,
          body: { metadata: { finalizers: ["example.com/hold", "example.com/more"] } },
        }),
      ),
    );
    rec(
      "removing the finalizer completes the deletion",
      reply(await t.http("PATCH", `${base}/fin`, { contentType: merge, body: { metadata: { finalizers: null } } })),
    );
    rec("gone after the finalizer", reply(await t.http("GET", `${base}/fin`)));
    const w = await t.watch(`${base}?watch=true&resourceVersion=${rv}`, 2);
    rec("watch of a finalized deletion", {
      status: w.status,
      events: w.events.map((e) => normalise({ type: e.type, object: e.object })),
    });
    const owner = (await t.http("POST", base, { body: cm(ns, "owner", {}) })).body;
    const owned = {
      ...cm(ns, "owned", {}),
      metadata: {
        name: "owned",
        ownerReferences: [
          { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid, controller: true },
        ],
      },
    };
    rec("create with an owner reference", reply(await t.http("POST", base, { body: owned })));
    const givenFields = [
      { manager: "kubectl", operation: "Update", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } },
    ];
    const explicit = {
      ...cm(ns, "mf", { k: "v" }),
      metadata: { name: "mf", labels: { team: "a" }, managedFields: givenFields },
    };
    const made = await t.http("POST", `${base}?fieldManager=eso-ts`, { body: explicit });
    rec("create with explicit managedFields", reply(made));
    const { managedFields: _m, ...metaWithout } = made.body.metadata;
    rec(
      "update without managedFields keeps them and tracks the update",
      reply(
        await t.http("PUT", `${base}/mf?fieldManager=eso-ts`, {
          body: { ...made.body, metadata: metaWithout, data: { k: "v2" } },
        }),
      ),
    );
    for (const [name, labels] of [
      ["dc1", { batch: "1" }],
      ["dc2", { batch: "1" }],
      ["dc3", { batch: "2" }],
    ] as const) {
      await t.http("POST", base, { body: cm(ns, name, {}, labels) });
    }
    const dc = await t.http("DELETE", `${base}?labelSelector=batch%3D1`);
    rec("deletecollection by label", {
      status: dc.status,
      kind: dc.body.kind,
      names: (dc.body.items ?? []).map((i: any) => i.metadata.name).sort(),
    });
    const left = await t.http("GET", `${base}?labelSelector=batch`);
    rec(
      "after deletecollection",
      left.body.items.map((i: any) => i.metadata.name),
    );
    rec("list resourceVersion=0", reply(await t.http("GET", `${base}?labelSelector=batch&resourceVersion=0`)));
    const init = await t.watch(
      `${base}?watch=true&labelSelector=batch&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      2,
    );
    rec("watch with sendInitialEvents ends the initial list with a bookmark", {
      status: init.status,
      events: init.events.map((e) => ({
        type: e.type,
        name: e.object?.metadata?.name,
        annotations: e.object?.metadata?.annotations,
        kind: e.object?.kind,
      })),
    });
    rec("secret type is immutable (422)", {
      create: (
        await t.http("POST", `/api/v1/namespaces/${ns}/secrets`, {
          body: { apiVersion: "v1", kind: "Secret", metadata: { name: "st" }, type: "Opaque" },
        })
      ).status,
      change: reply(
        await t.http("PATCH", `/api/v1/namespaces/${ns}/secrets/st`, {
          contentType: merge,
          body: { type: "example.com/other" },
        }),
      ),
    });
    rec(
      "kubectl get -l --field-selector",
      cli(await t.kubectl(["get", "cm", "-n", ns, "-l", "batch", "--field-selector", "metadata.name=dc3"])),
    );
    rec("kubectl delete -l", cli(await t.kubectl(["delete", "cm", "-n", ns, "-l", "batch"])));
    rec(
      "kubectl apply of several documents",
      cli(
        await t.kubectl(
          ["apply", "-f", "-"],
          [cm(ns, "multi1", { a: "1" }), cm(ns, "multi2", { b: "2" })].map((d) => toYaml(d)).join("---\n"),
        ),
      ),
    );
  },
};

const versions: Sequence = {
  name: "versions",
  async run(t, rec) {
    const ns = "fid-ver";
    await namespace(t, ns);
    const v1 = `/apis/external-secrets.io/v1/namespaces/${ns}/secretstores`;
    const v1beta1 = `/apis/external-secrets.io/v1beta1/namespaces/${ns}/secretstores`;
    const store = {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "fake" },
      spec: { provider: { fake: { data: [{ key: "k", value: "v" }] } } },
    };
    rec("create v1", reply(await t.http("POST", v1, { body: store })));
    rec("read as v1beta1", reply(await t.http("GET", `${v1beta1}/fake`)));
    rec("list as v1beta1", reply(await t.http("GET", v1beta1)));
    rec(
      "kubectl get secretstores.v1beta1.external-secrets.io",
      cli(await t.kubectl(["get", "secretstores.v1beta1.external-secrets.io", "-n", ns])),
    );
    rec(
      "cross-namespace list of a custom resource",
      (await t.http("GET", "/apis/external-secrets.io/v1/secretstores")).body.items.map(
        (i: any) => `${i.metadata.namespace}/${i.metadata.name}`,
      ),
    );
  },
};

export const sequences: Sequence[] = [
  crud,
  selectors,
  watches,
  kubectlCli,
  serverSideApply,
  serverSideApplyAtomic,
  lifecycle,
  crds,
  versions,
  discovery,
];
