import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CONFIGMAPS,
  CUSTOM_RESOURCE_DEFINITIONS,
  type ResourceDescriptor,
  resourcePath,
} from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  SECRETS,
  startHarness,
  useHarness,
} from "../support/world.js";

const NS = "generic";
const MANAGED = "reconcile.external-secrets.io/managed";
const CONFIGMAP = { apiVersion: "v1", kind: "ConfigMap" };

const WIDGETS: ResourceDescriptor = {
  group: "example.com",
  version: "v1",
  plural: "widgets",
  kind: "Widget",
  namespaced: true,
};

const widgetCRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Widget", listKind: "WidgetList", plural: "widgets", singular: "widget" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        },
      },
    ],
  },
};

const h = useHarness({ allowGenericTargets: true }, async (h) => {
  await createNamespace(h, NS);
  await h.client.request({ method: "POST", path: resourcePath(CUSTOM_RESOURCE_DEFINITIONS), body: widgetCRD });
  await createReadyStore(
    h,
    fakeStore("fake", NS, [
      { key: "url", value: "https://db.example" },
      { key: "user", value: "admin" },
    ]),
  );
});

type Obj = {
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  metadata: {
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
};

const configMap = (name: string) => h.client.get<Obj>(CONFIGMAPS, NS, name);

describe("spec.target.manifest: generic targets", () => {
  it("writes the data into a ConfigMap owned by the ExternalSecret, not into a Secret", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("plain", NS, {
        secretStoreRef: { name: "fake" },
        target: { name: "app-config", manifest: CONFIGMAP },
        data: [
          { secretKey: "url", remoteRef: { key: "url" } },
          { secretKey: "user", remoteRef: { key: "user" } },
        ],
      }),
    );
    const cm = await eventually(async () => (await configMap("app-config"))?.data?.url && configMap("app-config"));
    assert.deepEqual(cm.data, { url: "https://db.example", user: "admin" });
    assert.equal(cm.metadata.labels?.[MANAGED], "true");
    const owner = cm.metadata.ownerReferences?.find((r) => r.controller);
    assert.equal(owner?.kind, "ExternalSecret");
    assert.equal(owner?.name, "plain");
    assert.equal(await h.client.get(SECRETS, NS, "app-config"), undefined);
    const ready = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "plain");
      return c?.status === "True" && c;
    });
    assert.equal(ready.reason, "SecretSynced");
    // Owner: the ConfigMap goes with its ExternalSecret (garbage collection through the owner reference).
    await h.client.delete(EXTERNAL_SECRETS, NS, "plain");
    await eventually(async () => (await configMap("app-config")) === undefined, { what: "ConfigMap collected" });
  });

  it("restores a managed ConfigMap edited or deleted out of band", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("drift", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake" },
        target: { manifest: CONFIGMAP },
        data: [{ secretKey: "url", remoteRef: { key: "url" } }],
      }),
    );
    const cm = await eventually(() => configMap("drift"));
    cm.data = { url: "tampered" };
    await h.client.update(CONFIGMAPS, cm as never);
    await eventually(async () => (await configMap("drift"))?.data?.url === "https://db.example", {
      what: "edited ConfigMap restored",
    });
    const before = (await configMap("drift"))?.metadata.uid;
    await h.client.delete(CONFIGMAPS, NS, "drift");
    const again = await eventually(async () => {
      const c = await configMap("drift");
      return c && c.metadata.uid !== before && c;
    });
    assert.equal(again.data?.url, "https://db.example");
  });

  it("applies the template: data, templated labels and annotations, finalizers", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("templated", NS, {
        secretStoreRef: { name: "fake" },
        target: {
          manifest: CONFIGMAP,
          template: {
            metadata: {
              labels: { app: "{{ .user }}" },
              annotations: { note: "from-eso" },
              finalizers: ["example.com/keep"],
            },
            data: { "config.yaml": "url: {{ .url }}\nuser: {{ .user }}" },
          },
        },
        data: [
          { secretKey: "url", remoteRef: { key: "url" } },
          { secretKey: "user", remoteRef: { key: "user" } },
        ],
      }),
    );
    const cm = await eventually(() => configMap("templated"));
    assert.deepEqual(cm.data, { "config.yaml": "url: https://db.example\nuser: admin" });
    assert.equal(cm.metadata.labels?.app, "admin");
    assert.equal(cm.metadata.annotations?.note, "from-eso");
    assert.deepEqual(cm.metadata.finalizers, ["example.com/keep"]);
  });

  it("templateFrom target takes a dot path into the ConfigMap (metadata.annotations), next to Data", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("paths", NS, {
        secretStoreRef: { name: "fake" },
        target: {
          manifest: CONFIGMAP,
          template: {
            metadata: { annotations: { note: "from-eso" } },
            templateFrom: [
              { literal: "endpoint: {{ .url }}", target: "data" },
              { literal: "owner: {{ .user }}\ntier: backend", target: "metadata.annotations" },
            ],
          },
        },
        data: [
          { secretKey: "url", remoteRef: { key: "url" } },
          { secretKey: "user", remoteRef: { key: "user" } },
        ],
      }),
    );
    const cm = await eventually(() => configMap("paths"));
    assert.deepEqual(cm.data, { endpoint: "https://db.example" });
    assert.equal(cm.metadata.annotations?.owner, "admin");
    assert.equal(cm.metadata.annotations?.tier, "backend");
    // The path merges into the map already there: the template's own annotation stays.
    assert.equal(cm.metadata.annotations?.note, "from-eso");
    const ready = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "paths");
      return c?.status === "True" && c;
    });
    assert.equal(ready.reason, "SecretSynced");
  });

  it("a dot path is refused for a Secret target: the ExternalSecret fails and nothing is written", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("secret-path", NS, {
        secretStoreRef: { name: "fake" },
        target: { template: { templateFrom: [{ literal: "x: {{ .user }}", target: "metadata.annotations" }] } },
        data: [{ secretKey: "user", remoteRef: { key: "user" } }],
      }),
    );
    const failed = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "secret-path");
      return c?.status === "False" && c;
    });
    assert.match(failed.message ?? "", /spec\.target\.manifest/);
    assert.equal(await h.client.get(SECRETS, NS, "secret-path"), undefined);
  });

  it("Merge adds its keys to an existing ConfigMap and keeps the others'", async () => {
    await h.client.create(CONFIGMAPS, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "shared", namespace: NS },
      data: { theirs: "keep" },
    } as never);
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("merge", NS, {
        secretStoreRef: { name: "fake" },
        target: { name: "shared", creationPolicy: "Merge", manifest: CONFIGMAP },
        data: [{ secretKey: "url", remoteRef: { key: "url" } }],
      }),
    );
    await eventually(async () => (await configMap("shared"))?.data?.url === "https://db.example");
    const cm = await configMap("shared");
    assert.deepEqual(cm?.data, { theirs: "keep", url: "https://db.example" });
    assert.equal(cm?.metadata.ownerReferences, undefined);
  });

  it("deletionPolicy Delete removes the ConfigMap once the provider has no data left", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("deleting", NS, {
        secretStoreRef: { name: "fake" },
        target: { manifest: CONFIGMAP, deletionPolicy: "Delete" },
        data: [{ secretKey: "url", remoteRef: { key: "url" } }],
      }),
    );
    await eventually(() => configMap("deleting"));
    const es = await h.client.get(EXTERNAL_SECRETS, NS, "deleting");
    es.spec.data = [{ secretKey: "url", remoteRef: { key: "gone" } }];
    await h.client.update(EXTERNAL_SECRETS, es);
    await eventually(async () => (await configMap("deleting")) === undefined, { what: "ConfigMap deleted" });
    const c = await eventually(async () => {
      const r = await readyCondition(h, EXTERNAL_SECRETS, NS, "deleting");
      return r?.reason === "SecretDeleted" && r;
    });
    assert.equal(c.status, "True");
  });

  it("writes a custom resource: spec.data without a template", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("widget", NS, {
        secretStoreRef: { name: "fake" },
        target: { name: "w1", manifest: { apiVersion: "example.com/v1", kind: "Widget" } },
        data: [{ secretKey: "user", remoteRef: { key: "user" } }],
      }),
    );
    const w = await eventually(() => h.client.get<Obj>(WIDGETS, NS, "w1"));
    assert.deepEqual(w.spec, { data: { user: "admin" } });
    assert.equal(w.metadata.labels?.[MANAGED], "true");
    // Drift on a custom resource is watched too.
    w.spec = { data: { user: "intruder" } };
    await h.client.update(WIDGETS, w as never);
    await eventually(async () => {
      const now = await h.client.get<Obj>(WIDGETS, NS, "w1");
      return (now?.spec?.data as Record<string, string> | undefined)?.user === "admin";
    });
  });

  it("a kind the API server does not serve fails the ExternalSecret with the reason", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("unknown", NS, {
        secretStoreRef: { name: "fake" },
        target: { manifest: { apiVersion: "nope.example.com/v1", kind: "Nothing" } },
        data: [{ secretKey: "user", remoteRef: { key: "user" } }],
      }),
    );
    const c = await eventually(async () => {
      const r = await readyCondition(h, EXTERNAL_SECRETS, NS, "unknown");
      return r?.status === "False" && r;
    });
    assert.match(c.message ?? "", /Nothing/);
  });
});

describe("spec.target.manifest: cluster-scoped kinds", () => {
  it("refuses a cluster-scoped kind (targets live in the ExternalSecret's namespace)", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("cluster-kind", NS, {
        secretStoreRef: { name: "fake" },
        target: { manifest: { apiVersion: "v1", kind: "Namespace" } },
        data: [{ secretKey: "user", remoteRef: { key: "user" } }],
      }),
    );
    const c = await eventually(async () => {
      const r = await readyCondition(h, EXTERNAL_SECRETS, NS, "cluster-kind");
      return r?.status === "False" && r;
    });
    assert.match(c.message ?? "", /cluster-scoped/);
  });
});

describe("spec.target.manifest without --unsafe-allow-generic-targets", () => {
  it("refuses the target, as upstream, and writes nothing", async () => {
    const off = await startHarness();
    try {
      await createNamespace(off, NS);
      await createReadyStore(off, fakeStore("fake", NS, [{ key: "user", value: "admin" }]));
      await off.client.create(
        EXTERNAL_SECRETS,
        externalSecret("off", NS, {
          secretStoreRef: { name: "fake" },
          target: { manifest: CONFIGMAP },
          data: [{ secretKey: "user", remoteRef: { key: "user" } }],
        }),
      );
      const c = await eventually(async () => {
        const r = await readyCondition(off, EXTERNAL_SECRETS, NS, "off");
        return r?.status === "False" && r;
      });
      assert.match(c.message ?? "", /--unsafe-allow-generic-targets/);
      assert.equal(await off.client.get(CONFIGMAPS, NS, "off"), undefined);
      assert.equal(await off.client.get(SECRETS, NS, "off"), undefined);
    } finally {
      await off.stop();
    }
  });
});
