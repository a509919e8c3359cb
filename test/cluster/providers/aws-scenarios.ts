/**
 * One list of AWS end-to-end scenarios (the controllers against the in-process API server, the AWS SDK pointed
 * at a backend through ESO's endpoint variables) that runs unchanged against moto and against our own AWS test
 * server. Backends are seeded and checked through the AWS SDK only, so a scenario cannot lean on either
 * server's internals.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { PUSH_SECRETS } from "../../../src/kube/index.js";
import { ENDPOINT_ENV } from "../../../src/providers/aws/index.js";
import { eventually } from "../../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  forceSync,
  type Harness,
  readyCondition,
  SECRETS,
  secretData,
  secretManifest,
  setEnv,
  startHarness,
} from "../../support/world.js";
import { syncedData } from "./synced.js";

export const REGION = "us-east-1";
export const ACCESS_KEY: readonly [string, string] = [
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];
const ROLE = "arn:aws:iam::123456789012:role/eso-reader";
const IRSA_ROLE = "arn:aws:iam::123456789012:role/eso-irsa";

export interface AwsBackend {
  name: string;
  /** Starts the server; returns its endpoint URL (one endpoint for every service). */
  start(): Promise<string>;
  stop(): Promise<void>;
  /** Roles assumed so far (AssumeRole and AssumeRoleWithWebIdentity), when the backend can tell. */
  assumedRoles?(): { roleArn: string; webIdentity: boolean }[];
}

const SERVICE_ACCOUNTS = { group: "", version: "v1", plural: "serviceaccounts", namespaced: true };
const ECR_TOKENS = {
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural: "ecrauthorizationtokens",
  namespaced: true,
};

function awsStore(namespace: string, name: string, provider: Record<string, unknown>) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace },
    spec: { provider: { aws: { region: REGION, ...provider } } },
  };
}

const STS_TOKENS = {
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural: "stssessiontokens",
  namespaced: true,
};

const staticAuth = {
  secretRef: {
    accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
    secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
  },
};

/** Registers the scenario list against `backend` (its own harness, namespace and endpoint variables). */
export function awsScenarios(backend: AwsBackend): void {
  describe(`AWS provider and ECR generator against ${backend.name}`, () => {
    const ns = `aws-${backend.name}`;
    let h: Harness;
    let url: string;
    let restoreEnv: () => void;
    let sm: SecretsManagerClient;
    let ssm: SSMClient;

    const sdk = () => ({
      region: REGION,
      endpoint: url,
      credentials: { accessKeyId: ACCESS_KEY[0], secretAccessKey: ACCESS_KEY[1] },
    });

    async function createSecret(name: string, value: string | Buffer, tags: Record<string, string> = {}) {
      const out = await sm.send(
        new CreateSecretCommand({
          Name: name,
          ...(typeof value === "string" ? { SecretString: value } : { SecretBinary: value }),
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      return out.VersionId!;
    }

    const synced = (name: string, spec: Record<string, unknown>, timeoutMs?: number) =>
      syncedData(h, ns, name, spec, timeoutMs);

    before(async () => {
      url = await backend.start();
      sm = new SecretsManagerClient(sdk());
      ssm = new SSMClient(sdk());
      restoreEnv = setEnv({
        [ENDPOINT_ENV.secretsmanager]: url,
        [ENDPOINT_ENV.ssm]: url,
        [ENDPOINT_ENV.sts]: url,
        [ENDPOINT_ENV.ecr]: url,
      });
      // A new harness keeps its own SDK clients: none survive from another scenario.
      h = await startHarness();
      await createNamespace(h, ns);
      await h.client.create(SECRETS, secretManifest(ns, "aws-creds", { id: ACCESS_KEY[0], secret: ACCESS_KEY[1] }));
      await h.client.create(SERVICE_ACCOUNTS, {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "irsa", namespace: ns, annotations: { "eks.amazonaws.com/role-arn": IRSA_ROLE } },
      });
      await createReadyStore(h, awsStore(ns, "sm", { service: "SecretsManager", auth: staticAuth }), 30_000);
      await createReadyStore(h, awsStore(ns, "ssm", { service: "ParameterStore", auth: staticAuth }), 30_000);
      await createReadyStore(
        h,
        awsStore(ns, "sm-role", { service: "SecretsManager", auth: staticAuth, role: ROLE }),
        30_000,
      );
      await createReadyStore(
        h,
        awsStore(ns, "sm-irsa", { service: "SecretsManager", auth: { jwt: { serviceAccountRef: { name: "irsa" } } } }),
        30_000,
      );
    });

    after(async () => {
      await h?.stop();
      restoreEnv?.();
      sm?.destroy();
      ssm?.destroy();
      await backend.stop();
    });

    it("Secrets Manager: properties, whole-secret extract, binary secrets", async () => {
      await createSecret(
        "app/db",
        JSON.stringify({ username: "app", password: "db-pw", nested: { host: "db.local" } }),
      );
      await createSecret("app/blob", Buffer.from([0, 1, 2, 250, 255]));
      const data = await synced("sm-reads", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        data: [
          { secretKey: "user", remoteRef: { key: "app/db", property: "username" } },
          { secretKey: "host", remoteRef: { key: "app/db", property: "nested.host" } },
        ],
        dataFrom: [{ extract: { key: "app/db" } }],
      });
      assert.equal(data.user, "app");
      assert.equal(data.host, "db.local");
      assert.equal(data.password, "db-pw");
      assert.equal(data.username, "app");

      await synced("sm-binary", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        data: [{ secretKey: "blob", remoteRef: { key: "app/blob" } }],
      });
      const raw = await h.client.get(SECRETS, ns, "sm-binary");
      assert.deepEqual([...Buffer.from(raw.data.blob, "base64")], [0, 1, 2, 250, 255]);
    });

    it("Secrets Manager: versions by stage and by id; a new version is picked up on the next sync", async () => {
      const v1 = await createSecret("app/rotating", JSON.stringify({ token: "t1" }));
      await sm.send(
        new PutSecretValueCommand({ SecretId: "app/rotating", SecretString: JSON.stringify({ token: "t2" }) }),
      );
      const data = await synced("sm-versions", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        data: [
          { secretKey: "current", remoteRef: { key: "app/rotating", property: "token" } },
          { secretKey: "previous", remoteRef: { key: "app/rotating", property: "token", version: "AWSPREVIOUS" } },
          { secretKey: "first", remoteRef: { key: "app/rotating", property: "token", version: `uuid/${v1}` } },
        ],
      });
      assert.deepEqual(data, { current: "t2", previous: "t1", first: "t1" });

      await sm.send(
        new PutSecretValueCommand({ SecretId: "app/rotating", SecretString: JSON.stringify({ token: "t3" }) }),
      );
      await forceSync(h, ns, "sm-versions");
      const after = await eventually(
        async () => {
          const d = await secretData(h, ns, "sm-versions");
          return d.current === "t3" ? d : undefined;
        },
        { timeoutMs: 30_000, what: "rotated value synced" },
      );
      assert.equal(after.previous, "t2");
      assert.equal(after.first, "t1");
    });

    it("Secrets Manager: find by name regexp, by path (BatchGetSecretValue) and by tags", async () => {
      await createSecret("team-a/one", "v-one", { team: "a", env: "prod" });
      await createSecret("team-a/two", "v-two", { team: "a", env: "dev" });
      await createSecret("team-b/three", "v-three", { team: "b", env: "prod" });
      const byName = await synced("sm-find-name", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        dataFrom: [
          {
            find: { name: { regexp: "^team-a/" } },
            rewrite: [{ regexp: { source: "/", target: "_" } }],
          },
        ],
      });
      assert.deepEqual(byName, { "team-a_one": "v-one", "team-a_two": "v-two" });

      const byPath = await synced("sm-find-path", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        dataFrom: [
          { find: { path: "team-", name: { regexp: "three$" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] },
        ],
      });
      assert.deepEqual(byPath, { "team-b_three": "v-three" });

      const byTags = await synced("sm-find-tags", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        dataFrom: [{ find: { tags: { env: "prod" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] }],
      });
      assert.deepEqual(byTags, { "team-a_one": "v-one", "team-b_three": "v-three" });
    });

    it("Secrets Manager: tags read with metadataPolicy Fetch", async () => {
      await createSecret("app/tagged", "x", { owner: "payments", tier: "gold" });
      const data = await synced("sm-tags", {
        secretStoreRef: { name: "sm", kind: "SecretStore" },
        data: [{ secretKey: "owner", remoteRef: { key: "app/tagged", property: "owner", metadataPolicy: "Fetch" } }],
      });
      assert.equal(data.owner, "payments");
    });

    it("Secrets Manager: a secret scheduled for deletion fails the sync as such; one without a value is not found", async () => {
      await createSecret("app/doomed", JSON.stringify({ k: "v" }));
      await sm.send(new DeleteSecretCommand({ SecretId: "app/doomed", RecoveryWindowInDays: 7 }));
      await sm.send(new CreateSecretCommand({ Name: "app/no-value", Description: "value comes later" }));
      const failure = async (name: string, key: string) => {
        await h.client.create(
          EXTERNAL_SECRETS,
          externalSecret(name, ns, {
            refreshInterval: "1h",
            secretStoreRef: { name: "sm", kind: "SecretStore" },
            data: [{ secretKey: "k", remoteRef: { key } }],
          }),
        );
        return eventually(
          async () => {
            const c = await readyCondition(h, EXTERNAL_SECRETS, ns, name);
            return c?.status === "False" ? c : undefined;
          },
          { timeoutMs: 30_000, what: `${name} not Ready` },
        );
      };
      const deleted = await failure("sm-doomed", "app/doomed");
      assert.match(deleted.message ?? "", /InvalidRequestException/);
      const empty = await failure("sm-no-value", "app/no-value");
      assert.doesNotMatch(empty.message ?? "", /InvalidRequestException/);
      assert.equal(await h.client.get(SECRETS, ns, "sm-doomed"), undefined);
      assert.equal(await h.client.get(SECRETS, ns, "sm-no-value"), undefined);
    });

    it("Parameter Store: String and SecureString, versions, find by path", async () => {
      const put = (Name: string, Value: string, Type: "String" | "SecureString", Overwrite = false) =>
        ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite }));
      await put("/svc/app/url", "https://app", "String");
      await put("/svc/app/key", "secure-1", "SecureString");
      await put("/svc/app/key", "secure-2", "SecureString", true);
      await put("/svc/other/flag", "on", "String");
      const data = await synced("ssm-reads", {
        secretStoreRef: { name: "ssm", kind: "SecretStore" },
        data: [
          { secretKey: "url", remoteRef: { key: "/svc/app/url" } },
          { secretKey: "key", remoteRef: { key: "/svc/app/key" } },
          { secretKey: "key-v1", remoteRef: { key: "/svc/app/key", version: "1" } },
        ],
      });
      assert.deepEqual(data, { url: "https://app", key: "secure-2", "key-v1": "secure-1" });

      const found = await synced("ssm-find", {
        secretStoreRef: { name: "ssm", kind: "SecretStore" },
        dataFrom: [
          { find: { path: "/svc/app", name: { regexp: ".*" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] },
        ],
      });
      assert.deepEqual(found, { _svc_app_url: "https://app", _svc_app_key: "secure-2" });
    });

    it("STS: a store with spec.role reads through AssumeRole", async () => {
      await createSecret("app/via-role", JSON.stringify({ k: "assumed" }));
      const data = await synced("sts-role", {
        secretStoreRef: { name: "sm-role", kind: "SecretStore" },
        data: [{ secretKey: "k", remoteRef: { key: "app/via-role", property: "k" } }],
      });
      assert.equal(data.k, "assumed");
      const roles = backend.assumedRoles?.();
      if (roles)
        assert.ok(
          roles.some((r) => r.roleArn === ROLE && !r.webIdentity),
          "AssumeRole called with spec.role",
        );
    });

    it("STS: jwt auth exchanges a ServiceAccount token with AssumeRoleWithWebIdentity", async () => {
      await createSecret("app/via-irsa", JSON.stringify({ k: "irsa" }));
      const data = await synced("sts-irsa", {
        secretStoreRef: { name: "sm-irsa", kind: "SecretStore" },
        data: [{ secretKey: "k", remoteRef: { key: "app/via-irsa", property: "k" } }],
      });
      assert.equal(data.k, "irsa");
      const roles = backend.assumedRoles?.();
      if (roles)
        assert.ok(
          roles.some((r) => r.roleArn === IRSA_ROLE && r.webIdentity),
          "web identity role assumed",
        );
    });

    it("PushSecret: creates with tags, updates the value, deletes with deletionPolicy Delete", async () => {
      await h.client.create(SECRETS, secretManifest(ns, "to-push", { password: "push-1" }));
      await h.client.create(PUSH_SECRETS, {
        apiVersion: "external-secrets.io/v1alpha1",
        kind: "PushSecret",
        metadata: { name: "push", namespace: ns },
        spec: {
          refreshInterval: "1s",
          deletionPolicy: "Delete",
          secretStoreRefs: [{ name: "sm", kind: "SecretStore" }],
          selector: { secret: { name: "to-push" } },
          data: [
            {
              match: { secretKey: "password", remoteRef: { remoteKey: "pushed/password" } },
              metadata: {
                apiVersion: "kubernetes.external-secrets.io/v1alpha1",
                kind: "PushSecretMetadata",
                spec: { secretPushFormat: "string", tags: { team: "payments" } },
              },
            },
          ],
        },
      });
      const value = async () => {
        try {
          return (await sm.send(new GetSecretValueCommand({ SecretId: "pushed/password" }))).SecretString;
        } catch {
          return undefined;
        }
      };
      await eventually(async () => (await value()) === "push-1", { timeoutMs: 30_000, what: "pushed secret created" });
      const described = await sm.send(new DescribeSecretCommand({ SecretId: "pushed/password" }));
      const tags = Object.fromEntries((described.Tags ?? []).map((t) => [t.Key, t.Value]));
      assert.equal(tags.team, "payments");
      assert.equal(tags["managed-by"], "external-secrets");

      const s = await h.client.get(SECRETS, ns, "to-push");
      s.data.password = Buffer.from("push-2").toString("base64");
      await h.client.update(SECRETS, s);
      await eventually(async () => (await value()) === "push-2", { timeoutMs: 30_000, what: "pushed secret updated" });
      const previous = await sm.send(
        new GetSecretValueCommand({ SecretId: "pushed/password", VersionStage: "AWSPREVIOUS" }),
      );
      assert.equal(previous.SecretString, "push-1");

      await h.client.delete(PUSH_SECRETS, ns, "push");
      await eventually(
        async () => {
          try {
            const d = await sm.send(new DescribeSecretCommand({ SecretId: "pushed/password" }));
            return d.DeletedDate !== undefined;
          } catch (err) {
            return (err as { name?: string }).name === "ResourceNotFoundException";
          }
        },
        { timeoutMs: 30_000, what: "pushed secret deleted" },
      );
      await eventually(async () => !(await h.client.get(PUSH_SECRETS, ns, "push")), {
        timeoutMs: 30_000,
        what: "PushSecret gone",
      });
    });

    it("ECRAuthorizationToken generator writes a registry login from GetAuthorizationToken", async () => {
      await h.client.create(ECR_TOKENS, {
        apiVersion: "generators.external-secrets.io/v1alpha1",
        kind: "ECRAuthorizationToken",
        metadata: { name: "ecr", namespace: ns },
        spec: { region: REGION, auth: staticAuth },
      });
      const data = await synced("ecr-login", {
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: "generators.external-secrets.io/v1alpha1",
                kind: "ECRAuthorizationToken",
                name: "ecr",
              },
            },
          },
        ],
      });
      assert.equal(data.username, "AWS");
      assert.ok(data.password && data.password.length > 0);
      const ecr = new ECRClient(sdk());
      try {
        const direct = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
        assert.equal(data.proxy_endpoint, direct?.proxyEndpoint);
        const [user] = Buffer.from(direct!.authorizationToken!, "base64").toString().split(":");
        assert.equal(data.username, user);
        // moto answers a fixed expiresAt (2015-01-01); compare with the server's own answer, not the clock.
        const expected = Math.floor(direct!.expiresAt!.getTime() / 1000);
        assert.ok(Math.abs(Number(data.expires_at) - expected) <= 60, `expires_at ${data.expires_at} vs ${expected}`);
      } finally {
        ecr.destroy();
      }
    });

    it("STSSessionToken generator writes temporary credentials from GetSessionToken", async () => {
      await h.client.create(STS_TOKENS, {
        apiVersion: "generators.external-secrets.io/v1alpha1",
        kind: "STSSessionToken",
        metadata: { name: "session", namespace: ns },
        spec: { region: REGION, auth: staticAuth, requestParameters: { sessionDuration: 900 } },
      });
      const data = await synced("sts-session", {
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: "generators.external-secrets.io/v1alpha1",
                kind: "STSSessionToken",
                name: "session",
              },
            },
          },
        ],
      });
      assert.deepEqual(Object.keys(data).sort(), ["access_key_id", "expiration", "secret_access_key", "session_token"]);
      // moto answers fixed example keys; only their presence and the requested lifetime are common to both backends.
      assert.ok(data.access_key_id && data.secret_access_key && data.session_token);
      const expiresIn = Number(data.expiration) - Date.now() / 1000;
      assert.ok(expiresIn > 900 - 120 && expiresIn <= 900 + 5, `expires in ${expiresIn} s, asked for 900`);
    });
  });
}
