import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatValidationError,
  validateObject,
  validationErrors,
  validationMessages,
} from "../../src/api/validation.js";
import { handleAdmissionReview } from "../../src/webhook/admission.js";

const base = () => ({
  apiVersion: "external-secrets.io/v1",
  kind: "ExternalSecret",
  metadata: { name: "app", namespace: "demo" },
  spec: {
    refreshInterval: "1h",
    secretStoreRef: { name: "store", kind: "SecretStore" },
    target: { name: "app" } as Record<string, unknown>,
    data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] as unknown[],
  } as Record<string, any>,
});

const store = (provider: Record<string, unknown>, kind = "SecretStore") => ({
  apiVersion: "external-secrets.io/v1",
  kind,
  metadata: kind === "SecretStore" ? { name: "s", namespace: "demo" } : { name: "s" },
  spec: { provider },
});

type Case = [name: string, manifest: unknown, path: string, message?: RegExp];

const cases: Case[] = [
  ["no provider", store({}), "spec.provider", /exactly one of .*found none/],
  [
    "two providers",
    store({ fake: { data: [] }, vault: { server: "https://vault" } }),
    "spec.provider",
    /exactly one of .*found fake, vault/,
  ],
  ["missing required field", store({ aws: { service: "SecretsManager" } }), "spec.provider.aws.region", /is required/],
  [
    "bad enum",
    store({ aws: { service: "KMS", region: "eu-west-1" } }),
    "spec.provider.aws.service",
    /SecretsManager, ParameterStore/,
  ],
  [
    "cross-namespace reference from a SecretStore",
    store({
      vault: { server: "https://v", auth: { tokenSecretRef: { name: "t", key: "token", namespace: "other" } } },
    }),
    "spec.provider.vault.auth.tokenSecretRef.namespace",
    /own namespace/,
  ],
  [
    "bad regexp in ClusterSecretStore conditions",
    {
      ...store({ fake: { data: [] } }, "ClusterSecretStore"),
      spec: { provider: { fake: { data: [] } }, conditions: [{ namespaceRegexes: ["(unclosed"] }] },
    },
    "spec.conditions[0].namespaceRegexes[0]",
  ],
  [
    "missing store name",
    { ...store({ fake: { data: [] } }), metadata: { namespace: "demo" } },
    "metadata.name",
    /is required/,
  ],
  ["secretKey with a space", mutate((s) => (s.data[0].secretKey = "bad key")), "spec.data[0].secretKey", /must match/],
  [
    "secretKey too long",
    mutate((s) => (s.data[0].secretKey = "k".repeat(254))),
    "spec.data[0].secretKey",
    /at most 253/,
  ],
  ["missing remoteRef.key", mutate((s) => (s.data[0].remoteRef = {})), "spec.data[0].remoteRef.key", /is required/],
  ["bad duration", mutate((s) => (s.refreshInterval = "1 hour")), "spec.refreshInterval", /duration "1 hour"/],
  ["day unit", mutate((s) => (s.refreshInterval = "1d")), "spec.refreshInterval", /unknown unit "d"/],
  [
    "bad store kind",
    mutate((s) => (s.secretStoreRef.kind = "Store")),
    "spec.secretStoreRef.kind",
    /SecretStore, ClusterSecretStore/,
  ],
  [
    "bad creationPolicy",
    mutate((s) => (s.target.creationPolicy = "Always")),
    "spec.target.creationPolicy",
    /Owner, Orphan, Merge, None, CreateOrMerge/,
  ],
  [
    "deletionPolicy Delete with creationPolicy Merge",
    mutate((s) => Object.assign(s.target, { creationPolicy: "Merge", deletionPolicy: "Delete" })),
    "spec.target.deletionPolicy",
    /creationPolicy Merge/,
  ],
  [
    "deletionPolicy Delete with creationPolicy CreateOrMerge",
    mutate((s) => Object.assign(s.target, { creationPolicy: "CreateOrMerge", deletionPolicy: "Delete" })),
    "spec.target.deletionPolicy",
    /creationPolicy CreateOrMerge/,
  ],
  [
    "deletionPolicy Delete with creationPolicy None",
    mutate((s) => Object.assign(s.target, { creationPolicy: "None", deletionPolicy: "Delete" })),
    "spec.target.deletionPolicy",
  ],
  [
    "deletionPolicy Merge with creationPolicy None",
    mutate((s) => Object.assign(s.target, { creationPolicy: "None", deletionPolicy: "Merge" })),
    "spec.target.deletionPolicy",
    /no Secret to merge/,
  ],
  ["no data at all", mutate((s) => delete s.data), "spec.data", /either data or dataFrom/],
  [
    "duplicate secretKey",
    mutate((s) => s.data.push({ secretKey: "password", remoteRef: { key: "other" } })),
    "spec.data[1].secretKey",
    /duplicate/,
  ],
  [
    "empty dataFrom entry",
    mutate((s) => (s.dataFrom = [{}])),
    "spec.dataFrom[0]",
    /exactly one of extract, find or sourceRef/,
  ],
  [
    "extract and find together",
    mutate((s) => (s.dataFrom = [{ extract: { key: "a" }, find: { path: "b" } }])),
    "spec.dataFrom[0]",
    /found extract, find/,
  ],
  [
    "generatorRef with extract",
    mutate(
      (s) => (s.dataFrom = [{ extract: { key: "a" }, sourceRef: { generatorRef: { kind: "Password", name: "p" } } }]),
    ),
    "spec.dataFrom[0]",
    /sourceRef.generatorRef/,
  ],
  [
    "sourceRef with both storeRef and generatorRef",
    mutate(
      (s) => (s.dataFrom = [{ sourceRef: { storeRef: { name: "x" }, generatorRef: { kind: "UUID", name: "u" } } }]),
    ),
    "spec.dataFrom[0].sourceRef",
    /exactly one of storeRef, generatorRef/,
  ],
  [
    "unknown generator kind",
    mutate((s) => (s.dataFrom = [{ sourceRef: { generatorRef: { kind: "Dice", name: "d" } } }])),
    "spec.dataFrom[0].sourceRef.generatorRef.kind",
  ],
  [
    "find regexp does not compile",
    mutate((s) => (s.dataFrom = [{ find: { name: { regexp: "^app-(" } } }])),
    "spec.dataFrom[0].find.name.regexp",
    /invalid regular expression/,
  ],
  [
    "find regexp uses a lookahead (RE2 has none)",
    mutate((s) => (s.dataFrom = [{ find: { name: { regexp: "^(?!tmp).*" } } }])),
    "spec.dataFrom[0].find.name.regexp",
    /invalid regular expression "\^\(\?!tmp\)\.\*": invalid or unsupported Perl syntax: `\(\?!`/,
  ],
  [
    "rewrite regexp does not compile",
    mutate((s) => (s.dataFrom = [{ find: { path: "a" }, rewrite: [{ regexp: { source: "[a-", target: "x" } }] }])),
    "spec.dataFrom[0].rewrite[0].regexp.source",
  ],
  [
    "rewrite with two operations",
    mutate(
      (s) =>
        (s.dataFrom = [
          { find: { path: "a" }, rewrite: [{ regexp: { source: "a", target: "b" }, transform: { template: "x" } }] },
        ]),
    ),
    "spec.dataFrom[0].rewrite[0]",
    /exactly one of merge, regexp, transform/,
  ],
  [
    "templateFrom entry without a source",
    mutate((s) => (s.target.template = { templateFrom: [{ target: "Data" }] })),
    "spec.target.template.templateFrom[0]",
    /configMap, secret, literal/,
  ],
  [
    "bad template engine",
    mutate((s) => (s.target.template = { engineVersion: "v1" })),
    "spec.target.template.engineVersion",
  ],
  [
    "ClusterExternalSecret with a broken spec",
    {
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "ces" },
      spec: { refreshTime: "soon", externalSecretSpec: { secretStoreRef: { name: "s" } } },
    },
    "spec.externalSecretSpec.data",
  ],
  [
    "ClusterExternalSecret refreshTime",
    {
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ClusterExternalSecret",
      metadata: { name: "ces" },
      spec: { refreshTime: "soon", externalSecretSpec: { data: [{ secretKey: "a", remoteRef: { key: "a" } }] } },
    },
    "spec.refreshTime",
  ],
  [
    "PushSecret without a source",
    {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "p", namespace: "demo" },
      spec: { secretStoreRefs: [{ name: "s" }], selector: {} },
    },
    "spec.selector",
    /exactly one of secret, generatorRef/,
  ],
  [
    "PushSecret missing remoteKey",
    {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "p", namespace: "demo" },
      spec: {
        secretStoreRefs: [{ name: "s" }],
        selector: { secret: { name: "x" } },
        data: [{ match: { remoteRef: {} } }],
      },
    },
    "spec.data[0].match.remoteRef.remoteKey",
  ],
  [
    "PushSecret bad deletionPolicy",
    {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "p", namespace: "demo" },
      spec: { deletionPolicy: "Retain", secretStoreRefs: [{ name: "s" }], selector: { secret: { name: "x" } } },
    },
    "spec.deletionPolicy",
    /Delete, None/,
  ],
  [
    "Password digits and symbols exceed length",
    {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Password",
      metadata: { name: "p", namespace: "demo" },
      spec: { length: 8, digits: 5, symbols: 5 },
    },
    "spec.length",
  ],
  [
    "ClusterGenerator spec for another kind",
    {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "ClusterGenerator",
      metadata: { name: "g" },
      spec: { kind: "UUID", generator: { passwordSpec: {} } },
    },
    "spec.generator.passwordSpec",
  ],
  [
    "kind this API does not serve",
    { apiVersion: "external-secrets.io/v1", kind: "PushSecret", metadata: { name: "p" }, spec: {} },
    "apiVersion",
    /does not serve kind PushSecret/,
  ],
];

function mutate(change: (spec: Record<string, any>) => unknown) {
  const es = base();
  change(es.spec);
  return es;
}

test("a valid ExternalSecret has no errors", () => {
  assert.deepEqual(validateObject(base()), []);
});

for (const [name, manifest, path, message] of cases) {
  test(`invalid: ${name} -> ${path}`, () => {
    const errors = validationErrors(manifest);
    const hit = errors.find((e) => e.path === path);
    assert.ok(hit, `no error at ${path}; got:\n${errors.map(formatValidationError).join("\n")}`);
    if (message) assert.match(hit.message, message);
  });
}

test("errors name kind, namespace, name and field path", () => {
  const es = mutate((s) => (s.data[0].secretKey = "bad key"));
  const [line] = validationErrors(es).map(formatValidationError);
  assert.match(line ?? "", /^ExternalSecret demo\/app: spec\.data\[0\]\.secretKey: /);
});

test("unknown fields are warnings, not errors", () => {
  const es = mutate((s) => (s.target.immediatly = true));
  assert.deepEqual(validationErrors(es), []);
  const [warning] = validateObject(es);
  assert.equal(warning?.severity, "warning");
  assert.equal(warning?.path, "spec.target.immediatly");
  // Seed 004 writes target.immediate, which is served (not upstream): no warning for it.
  assert.deepEqual(validateObject(mutate((s) => (s.target.immediate = true))), []);
});

test("defaults are applied before required checks, as the API server does", () => {
  const s = store({ vault: { server: "https://vault", auth: { kubernetes: { role: "r" } } } });
  assert.deepEqual(validateObject(s), []);
});

test("a template or a generator may supply all the data", () => {
  const templated = mutate((s) => {
    delete s.data;
    s.target.template = { data: { greeting: "hello" } };
  });
  assert.deepEqual(validationErrors(templated), []);
  const generated = mutate((s) => {
    delete s.data;
    s.dataFrom = [{ sourceRef: { generatorRef: { kind: "Password", name: "p" } } }];
  });
  assert.deepEqual(validationErrors(generated), []);
});

test("objects of other API groups are not validated", () => {
  assert.deepEqual(validateObject({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" }, data: 5 }), []);
});

test("cross-namespace check: without metadata.namespace a reference only warns, two namespaces still fail", () => {
  const vault = (auth: Record<string, unknown>) => ({ vault: { server: "https://v", auth } });
  const unplaced = (provider: Record<string, unknown>) => ({ ...store(provider), metadata: { name: "s" } });
  const one = validateObject(unplaced(vault({ tokenSecretRef: { name: "t", key: "token", namespace: "team-a" } })));
  assert.deepEqual(
    one.map((e) => [e.severity, e.path]),
    [["warning", "spec.provider.vault.auth.tokenSecretRef.namespace"]],
  );
  assert.match(one[0]!.message, /applied into namespace team-a/);
  const two = validationErrors(
    unplaced(
      vault({
        appRole: {
          path: "approle",
          roleRef: { name: "r", key: "id", namespace: "team-a" },
          secretRef: { name: "s", key: "secret", namespace: "team-b" },
        },
      }),
    ),
  );
  assert.deepEqual(two.map((e) => e.path).sort(), [
    "spec.provider.vault.auth.appRole.roleRef.namespace",
    "spec.provider.vault.auth.appRole.secretRef.namespace",
  ]);
  // With metadata.namespace (as admission always has it) a reference elsewhere is an error, its own is fine.
  const placed = store(vault({ tokenSecretRef: { name: "t", key: "token", namespace: "other" } }));
  assert.equal(validationErrors(placed).length, 1);
  assert.deepEqual(
    validateObject(store(vault({ tokenSecretRef: { name: "t", key: "token", namespace: "demo" } }))),
    [],
  );
});

test("admission knows the namespace: a review without metadata.namespace is checked against request.namespace", () => {
  const obj = {
    ...store({
      vault: { server: "https://v", auth: { tokenSecretRef: { name: "t", key: "token", namespace: "other" } } },
    }),
    metadata: { name: "s" },
  };
  const review = (namespace: string) => ({
    kind: "AdmissionReview",
    request: { uid: "u1", operation: "CREATE", namespace, object: obj },
  });
  const denied = handleAdmissionReview(review("demo"), validationMessages).response;
  assert.equal(denied.allowed, false);
  assert.match(denied.status?.message ?? "", /own namespace \(demo\)/);
  assert.equal(handleAdmissionReview(review("other"), validationMessages).response.allowed, true);
});
