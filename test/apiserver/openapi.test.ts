import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";

const exec = promisify(execFile);

let server: ApiServer;
let dir: string;
let kubectlPath: string;
let helmPath: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  [server, dir, { kubectl: kubectlPath, helm: helmPath }] = await Promise.all([
    startApiServer(),
    mkdtemp(join(tmpdir(), "eso-openapi-")),
    kubectlBinaries(),
  ]);
  await server.writeKubeconfig(join(dir, "kubeconfig"));
  env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, "kubeconfig"), KUBECACHEDIR: join(dir, "cache") };
});

after(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function kubectl(
  extraEnv: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(kubectlPath, args, { env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const k = (...args: string[]) => kubectl({}, ...args);

async function getJson(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; res: Response }> {
  const res = await fetch(`${server.url}${path}`, { headers, redirect: "manual" });
  const text = await res.text();
  return {
    status: res.status,
    body: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text,
    res,
  };
}

test("kubectl's default (strict) validation: CRD bundle, examples and seeds apply with no --validate flag", async () => {
  const root = repoRoot();
  let r = await k("apply", "-f", join(root, "deploy", "crds", "bundle.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /customresourcedefinition.apiextensions.k8s.io\/externalsecrets.external-secrets.io created/);
  assert.doesNotMatch(r.stderr, /Warning|warning/);
  for (const ns of ["demo", "production", "payments", "team-a", "external-secrets", "external-secrets-system"]) {
    r = await k("create", "namespace", ns);
    assert.equal(r.code, 0, r.stderr);
  }
  const ex = join(root, "examples");
  const paths = ["secretstores", "externalsecrets", "generators", "pushsecrets", "clusterexternalsecret.yaml"];
  r = await k("apply", "-R", ...paths.flatMap((p) => ["-f", join(ex, p)]));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /externalsecret.external-secrets.io\/db-credentials created/);
  assert.doesNotMatch(r.stderr, /unknown field/);

  // A second apply of the same files changes nothing.
  r = await k("apply", "-f", join(ex, "secretstores"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /secretstore.external-secrets.io\/fake unchanged/);
  assert.doesNotMatch(r.stdout, /configured|created/);
  // Lists whose items got schema defaults differ from the file, so kubectl sends the list again (as against kube):
  // "configured", yet the server sees no change and the object keeps its resourceVersion.
  const rv = () =>
    k("get", "externalsecret", "db-credentials", "-n", "demo", "-o", "jsonpath={.metadata.resourceVersion}");
  const rvBefore = (await rv()).stdout;
  r = await k("apply", "-f", join(ex, "externalsecrets", "data.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await rv()).stdout, rvBefore);
  r = await k("apply", "-f", join(root, "deploy", "crds", "bundle.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /externalsecrets.external-secrets.io unchanged/);
  assert.doesNotMatch(r.stdout, /configured/);
  assert.equal(r.stderr, "");

  // The seeds' ESO objects, in their v1beta1 form.
  const docs: string[] = [];
  for (const f of (await readdir(join(ex, "seeds"))).filter((n) => n.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(await readFile(join(ex, "seeds", f), "utf8"))) {
      const o = doc.toJS() as { apiVersion?: string } | null;
      if (o?.apiVersion?.startsWith("external-secrets.io/")) docs.push(stringify(o));
    }
  }
  assert.ok(docs.length >= 20);
  await writeFile(join(dir, "seeds.yaml"), docs.map((d) => `---\n${d}`).join(""));
  // The seeds apply under kubectl's default (strict) validation, including the two fields they write that
  // upstream's schema lacks (vault auth.jwt.serviceAccountRef, target.immediate): both are served here.
  r = await k("apply", "-f", join(dir, "seeds.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.trim(), "", "no warnings");
  assert.equal(r.stdout.trim().split("\n").length, docs.length, r.stdout);
  r = await k("get", "externalsecrets.v1beta1.external-secrets.io", "-n", "production", "-o", "name");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /externalsecret.external-secrets.io\/app-secrets/);
});

const misspelled = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: typo, namespace: demo}
spec:
  refreshIntervall: 1h
  secretStoreRef: {name: fake, kind: SecretStore}
  target: {name: typo}
  data:
  - secretKey: password
    remoteRef: {key: /db/password, versoin: v1}
`;

test("a misspelled field fails kubectl apply with kube's strict decoding error, warns with --validate=warn", async () => {
  await writeFile(join(dir, "typo.yaml"), misspelled);
  let r = await k("apply", "-f", join(dir, "typo.yaml"));
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /Error from server \(BadRequest\): error when creating ".*typo.yaml": ExternalSecret in version "v1" cannot be handled as a ExternalSecret: strict decoding error: unknown field "spec.data\[0\].remoteRef.versoin", unknown field "spec.refreshIntervall"/,
  );
  r = await k("get", "externalsecret", "typo", "-n", "demo");
  assert.notEqual(r.code, 0, "nothing was stored");

  r = await k("apply", "--validate=warn", "-f", join(dir, "typo.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Warning: unknown field "spec.refreshIntervall"/);
  assert.match(r.stderr, /Warning: unknown field "spec.data\[0\].remoteRef.versoin"/);
  r = await k("get", "externalsecret", "typo", "-n", "demo", "-o", "jsonpath={.spec}");
  assert.doesNotMatch(r.stdout, /refreshIntervall|versoin/, "unknown fields are dropped");

  // The same for a built-in kind, and for an update of an existing object (a patch).
  await writeFile(
    join(dir, "secret.yaml"),
    "apiVersion: v1\nkind: Secret\nmetadata: {name: typo, namespace: demo}\nstringDta: {a: b}\n",
  );
  r = await k("apply", "-f", join(dir, "secret.yaml"));
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "stringDta"/,
  );
  await writeFile(
    join(dir, "typo.yaml"),
    misspelled.replace("refreshIntervall: 1h", "refreshInterval: 1h\n  targt: {}"),
  );
  r = await k("apply", "-f", join(dir, "typo.yaml"));
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /strict decoding error: unknown field "spec.data\[0\].remoteRef.versoin", unknown field "spec.targt"/,
  );
});

test("a kind: List file (as kubectl get -o yaml writes) applies, its items checked by the server", async () => {
  const list = `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: l1, namespace: default}, data: {a: b}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: l2, namespace: default}, dta: {a: b}}
`;
  await writeFile(join(dir, "list.yaml"), list);
  let r = await k("apply", "-f", join(dir, "list.yaml"));
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /configmap\/l1 created/);
  assert.match(
    r.stderr,
    /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"/,
  );
  await writeFile(join(dir, "list.yaml"), list.replace("dta:", "data:"));
  r = await k("apply", "-f", join(dir, "list.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /configmap\/l1 unchanged\nconfigmap\/l2 created/);
});

test("fieldValidation over plain HTTP: Strict -> 400 naming the fields, Warn -> 299 Warning headers, bad value -> 422", async () => {
  const body = JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "fv", namespace: "default", labelz: { a: "b" } },
    data: { a: "b" },
    extra: 1,
  });
  const post = (q: string) =>
    fetch(`${server.url}/api/v1/namespaces/default/configmaps${q}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
  let res = await post("?fieldValidation=Strict");
  assert.equal(res.status, 400);
  const status = (await res.json()) as { reason: string; message: string };
  assert.equal(status.reason, "BadRequest");
  assert.equal(
    status.message,
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.labelz", unknown field "extra"',
  );
  res = await post("?fieldValidation=Bogus");
  assert.equal(res.status, 422);
  assert.equal(
    ((await res.json()) as { message: string }).message,
    'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"',
  );
  res = await post("");
  assert.equal(res.status, 201);
  assert.equal(
    res.headers.get("warning"),
    '299 - "unknown field \\"metadata.labelz\\"", 299 - "unknown field \\"extra\\""',
  );
  const stored = (await res.json()) as Record<string, any>;
  assert.equal(stored.extra, undefined);
  assert.equal(stored.metadata.labelz, undefined);
  assert.deepEqual(stored.data, { a: "b" });

  // Server-side apply reports unknown fields as kube's structured-merge-diff does.
  res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps/fv?fieldManager=t&fieldValidation=Strict`, {
    method: "PATCH",
    headers: { "Content-Type": "application/apply-patch+yaml" },
    body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fv}\ndata: {a: c}\nextra: 1\n",
  });
  assert.equal(res.status, 400);
  assert.equal(
    ((await res.json()) as { message: string }).message,
    "failed to create typed patch object (/v1, Kind=ConfigMap): .extra: field not declared in schema",
  );
});

test("/openapi/v3 discovery and group-version documents follow CRDs as they come and go", async () => {
  const { body: disco } = await getJson("/openapi/v3");
  assert.match(disco.paths["api/v1"].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  assert.ok(disco.paths["apis/external-secrets.io/v1"]);
  assert.ok(disco.paths["apis/coordination.k8s.io/v1"]);

  const core = await getJson(disco.paths["api/v1"].serverRelativeURL);
  assert.equal(core.status, 200);
  assert.equal(core.res.headers.get("cache-control"), "public, immutable");
  const secret = core.body.components.schemas["io.k8s.api.core.v1.Secret"];
  assert.deepEqual(secret["x-kubernetes-group-version-kind"], [{ group: "", kind: "Secret", version: "v1" }]);
  for (const f of ["data", "stringData", "type", "immutable", "metadata"]) assert.ok(secret.properties[f], f);
  const patch = core.body.paths["/api/v1/namespaces/{namespace}/secrets/{name}"].patch;
  assert.ok(patch.parameters.some((p: { name: string }) => p.name === "fieldValidation"));
  assert.ok(patch.requestBody.content["application/strategic-merge-patch+json"]);

  const es = await getJson(disco.paths["apis/external-secrets.io/v1"].serverRelativeURL);
  const schema = es.body.components.schemas["io.external-secrets.v1.ExternalSecret"];
  assert.deepEqual(schema["x-kubernetes-group-version-kind"], [
    { group: "external-secrets.io", kind: "ExternalSecret", version: "v1" },
  ]);
  assert.ok(schema.properties.spec.properties.target);
  assert.ok(es.body.components.schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
  const stale = await getJson("/openapi/v3/apis/external-secrets.io/v1?hash=0123");
  assert.equal(stale.status, 301);
  assert.equal(stale.res.headers.get("location"), disco.paths["apis/external-secrets.io/v1"].serverRelativeURL);

  // A new CRD appears; deleting it removes its group-version again.
  await writeFile(
    join(dir, "widget.yaml"),
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the widget should be.
            properties:
              size: {type: integer, description: How big the widget is.}
`,
  );
  let r = await k("apply", "-f", join(dir, "widget.yaml"));
  assert.equal(r.code, 0, r.stderr);
  const after = (await getJson("/openapi/v3")).body;
  assert.ok(after.paths["apis/example.com/v1"]);
  const widget = await getJson(after.paths["apis/example.com/v1"].serverRelativeURL);
  assert.ok(widget.body.components.schemas["com.example.v1.Widget"]);
  assert.ok(widget.body.components.schemas["com.example.v1.WidgetList"]);
  r = await k("explain", "widget.spec.size");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /How big the widget is/);
  r = await k("delete", "crd", "widgets.example.com");
  assert.equal(r.code, 0, r.stderr);
  const deadline = Date.now() + 10_000;
  while ((await getJson("/openapi/v3")).body.paths["apis/example.com/v1"]) {
    assert.ok(Date.now() < deadline, "the deleted CRD's group-version is still listed");
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal((await getJson("/openapi/v3/apis/example.com/v1")).status, 404);
});

test("kubectl explain prints the CRD's field docs", async () => {
  const r = await k("explain", "externalsecret.spec.target");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /GROUP:\s+external-secrets.io/);
  assert.match(r.stdout, /KIND:\s+ExternalSecret/);
  assert.match(r.stdout, /VERSION:\s+v1/);
  assert.match(r.stdout, /FIELD: target <Object>/);
  assert.match(r.stdout, /creationPolicy\s+<string>\n\s+enum: Owner, Orphan, Merge, None/);
  const b = await k("explain", "secret.stringData");
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /FIELD: stringData <map\[string\]string>/);
});

test("kubectl edit of a Secret with a scripted editor", async () => {
  let r = await k("create", "secret", "generic", "edited", "-n", "demo", "--from-literal=user=admin");
  assert.equal(r.code, 0, r.stderr);
  r = await k("label", "secret", "edited", "-n", "demo", "tier=one");
  assert.equal(r.code, 0, r.stderr);
  const editor = join(dir, "editor.sh");
  await writeFile(editor, '#!/bin/sh\nsed -i -e "s/tier: one/tier: two/" "$1"\n');
  await chmod(editor, 0o755);
  r = await kubectl({ KUBE_EDITOR: editor }, "edit", "secret", "edited", "-n", "demo");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /secret\/edited edited/);
  r = await k("get", "secret", "edited", "-n", "demo", "-o", "jsonpath={.metadata.labels.tier}");
  assert.equal(r.stdout, "two");
});

test("the Helm chart's objects apply with kubectl's default validation, and re-apply unchanged", async () => {
  await k("create", "namespace", "eso-chart");
  const chart = join(repoRoot(), "deploy", "charts", "external-secrets");
  const rendered = await exec(helmPath, ["template", "eso", chart, "--namespace", "eso-chart"], {
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const file = join(dir, "chart.yaml");
  await writeFile(file, rendered.stdout);
  let r = await k("apply", "-f", file);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /deployment.apps\/eso-external-secrets created/);
  r = await k("apply", "-f", file);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.doesNotMatch(r.stdout, / (created|configured)$/m);

  // helm install validates against the same documents unless told not to.
  const installed = await exec(
    helmPath,
    ["install", "helmed", chart, "-n", "eso-helm", "--create-namespace", "--set", "installCRDs=false"],
    { env, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  assert.match(installed.stdout, /STATUS: deployed/);
  r = await k("get", "deployment", "helmed-external-secrets", "-n", "eso-helm", "-o", "name");
  assert.equal(r.code, 0, r.stderr);
});
