import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { kubectlBinaries, repoRoot } from "../support/kubectl.js";
import { eventually } from "../support/poll.js";

const exec = promisify(execFile);

let server: ApiServer;
let dir: string;
let kubectlPath: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  [server, dir, { kubectl: kubectlPath }] = await Promise.all([
    startApiServer(),
    mkdtemp(join(tmpdir(), "eso-kubectl-")),
    kubectlBinaries(),
  ]);
  await server.writeKubeconfig(join(dir, "kubeconfig"));
  env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, "kubeconfig"), KUBECACHEDIR: join(dir, "cache") };
});

after(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(kubectlPath, args, { env, encoding: "utf8" });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const manifests = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, maximum: 10}
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
---
apiVersion: v1
kind: Namespace
metadata: {name: tools}
`;

const objects = `apiVersion: example.com/v1
kind: Gadget
metadata: {name: g1, namespace: tools}
spec: {size: 3}
---
apiVersion: v1
kind: Secret
metadata: {name: s1, namespace: tools}
stringData: {password: hunter2}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c1, namespace: tools}
data: {a: b}
`;

test("kubectl apply, get -o yaml, table columns, describe, delete", async () => {
  await writeFile(join(dir, "crd.yaml"), manifests);
  await writeFile(join(dir, "objects.yaml"), objects);
  let r = await kubectl("apply", "--validate=false", "-f", join(dir, "crd.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /customresourcedefinition.apiextensions.k8s.io\/gadgets.example.com created/);
  r = await kubectl("apply", "--validate=false", "-f", join(dir, "objects.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gadget.example.com\/g1 created/);
  assert.match(r.stdout, /secret\/s1 created/);

  await writeFile(join(dir, "objects.yaml"), objects.replace("size: 3", "size: 4"));
  r = await kubectl("apply", "--validate=false", "-f", join(dir, "objects.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gadget.example.com\/g1 configured/);
  assert.match(r.stdout, /configmap\/c1 unchanged/);

  r = await kubectl("get", "gd", "g1", "-n", "tools", "-o", "yaml");
  assert.equal(r.code, 0, r.stderr);
  const g = parseYaml(r.stdout);
  assert.equal(g.spec.size, 4);
  assert.equal(g.metadata.generation, 2);

  r = await kubectl("get", "gadgets", "-n", "tools");
  assert.match(r.stdout, /^NAME\s+SIZE\s+READY\s*\ng1\s+4\s+/);
  r = await kubectl("get", "secrets", "-n", "tools");
  assert.match(r.stdout, /^NAME\s+TYPE\s+DATA\s+AGE\s*\ns1\s+Opaque\s+1\s+/);

  r = await kubectl("describe", "secret", "s1", "-n", "tools");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /password:\s+7 bytes/);
  r = await kubectl("describe", "gadget", "g1", "-n", "tools");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Size:\s+4/);

  await writeFile(join(dir, "bad.yaml"), objects.replace("size: 3", "size: 30"));
  r = await kubectl("apply", "--validate=false", "-f", join(dir, "bad.yaml"));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.size: Invalid value: 30: spec\.size in body should be less than or equal to 10/);

  r = await kubectl("delete", "-n", "tools", "gadget", "g1");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gadget.example.com "g1" deleted/);
  r = await kubectl("get", "gadget", "g1", "-n", "tools");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NotFound.*gadgets.example.com "g1" not found/);

  r = await kubectl("delete", "namespace", "tools");
  assert.equal(r.code, 0, r.stderr);
  r = await kubectl("get", "secrets", "-n", "tools", "-o", "name");
  assert.equal(r.stdout.trim(), "");
});

test("kubectl get -w streams changes", async () => {
  await kubectl("create", "configmap", "w0", "--from-literal=a=b");
  const child = spawn(kubectlPath, ["get", "configmaps", "-w", "--no-headers"], { env });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const seen = (re: RegExp) => eventually(() => re.test(out), { timeoutMs: 10_000, what: () => `${re}; got:\n${out}` });
  try {
    await seen(/^w0\s+1\s+/m);
    const r = await kubectl("create", "configmap", "w1", "--from-literal=a=b", "--from-literal=c=d");
    assert.equal(r.code, 0, r.stderr);
    await seen(/^w1\s+2\s+/m);
  } finally {
    child.kill();
  }
});

test("kubectl create (protobuf bodies): secret, serviceaccount, token", async () => {
  let r = await kubectl(
    "create",
    "secret",
    "generic",
    "pb",
    "--from-literal=username=admin",
    "--type=kubernetes.io/basic-auth",
  );
  assert.equal(r.code, 0, r.stderr);
  r = await kubectl("get", "secret", "pb", "-o", "jsonpath={.data.username}");
  assert.equal(Buffer.from(r.stdout, "base64").toString(), "admin");
  r = await kubectl("create", "serviceaccount", "robot");
  assert.equal(r.code, 0, r.stderr);
  r = await kubectl("create", "token", "robot", "--audience=vault", "--duration=2h");
  assert.equal(r.code, 0, r.stderr);
  const claims = JSON.parse(Buffer.from(r.stdout.trim().split(".")[1]!, "base64url").toString());
  assert.equal(claims.sub, "system:serviceaccount:default:robot");
  assert.deepEqual(claims.aud, ["vault"]);
  assert.equal(claims.exp - claims.iat, 7200);
});

test("kubectl applies the ESO CRD bundle (server-side) and the examples, then reads them back", async () => {
  const root = repoRoot();
  let r = await kubectl(
    "apply",
    "--server-side",
    "--validate=false",
    "-f",
    join(root, "deploy", "crds", "bundle.yaml"),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /customresourcedefinition.apiextensions.k8s.io\/externalsecrets.external-secrets.io serverside-applied/,
  );
  for (const ns of ["demo", "production", "payments", "team-a", "external-secrets", "external-secrets-system"]) {
    await kubectl("create", "namespace", ns);
  }
  const ex = join(root, "examples");
  const paths = ["clusterexternalsecret.yaml", "externalsecrets", "generators", "pushsecrets", "secretstores"];
  r = await kubectl("apply", "--validate=false", "-R", ...paths.flatMap((p) => ["-f", join(ex, p)]));
  assert.equal(r.code, 0, r.stderr);
  r = await kubectl("get", "externalsecrets", "-A", "-o", "name");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.trim().split("\n").length >= 5, r.stdout);
  r = await kubectl("get", "clustersecretstores");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+AGE\s+STATUS/);
  // The seeds' manifests in their v1beta1 form (the ESO objects of them; Deployments and policies are not served).
  const seeds = await readdir(join(ex, "seeds"));
  const esoDocs: string[] = [];
  for (const f of seeds.filter((n) => n.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(await readFile(join(ex, "seeds", f), "utf8"))) {
      const o = doc.toJS() as { apiVersion?: string } | null;
      if (o?.apiVersion?.startsWith("external-secrets.io/")) esoDocs.push(stringify(o));
    }
  }
  await writeFile(join(dir, "seeds.yaml"), esoDocs.map((d) => `---\n${d}`).join(""));
  r = await kubectl("apply", "--validate=false", "-f", join(dir, "seeds.yaml"));
  assert.equal(r.code, 0, r.stderr);
  assert.ok(esoDocs.length >= 20);
  r = await kubectl("get", "externalsecrets.v1beta1.external-secrets.io", "-n", "production", "-o", "yaml");
  assert.equal(r.code, 0, r.stderr);
  const listed = parseYaml(r.stdout) as { items: { apiVersion: string }[] };
  assert.ok(listed.items.length >= 1);
  for (const item of listed.items) assert.equal(item.apiVersion, "external-secrets.io/v1beta1");
  // Short name and upstream's printer columns.
  r = await kubectl("get", "es", "-n", "demo", "db-credentials");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+STORETYPE\s+STORE\s+REFRESH INTERVAL\s+STATUS\s+READY\s+LAST SYNC\n/);
  assert.match(r.stdout, /\ndb-credentials\s+SecretStore\s+aws-secretsmanager\s+1h\s/);
  // The category lists every kind of the group.
  r = await kubectl("get", "external-secrets", "-A", "-o", "name");
  assert.equal(r.code, 0, r.stderr);
  for (const kind of ["externalsecret", "secretstore", "clustersecretstore", "clusterexternalsecret", "pushsecret"]) {
    assert.match(r.stdout, new RegExp(`^${kind}\\.(generators\\.)?external-secrets\\.io/`, "m"), kind);
  }
});
