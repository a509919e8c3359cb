/**
 * The Infisical auth methods that prove an identity by other means than a Secret's credentials: the operator's
 * ServiceAccount token and files (Kubernetes, GCP IAM: ClusterSecretStores only), its cloud identity (AWS, Azure,
 * GCP id token: refused for SecretStores under --refuse-ambient-credentials-for-namespaced-stores), and OCI
 * request signatures.
 */
import assert from "node:assert/strict";
import { createVerify, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { signRequest } from "../../src/providers/aws/kit/sigv4.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { StoreConfigError } from "../../src/providers/errors.js";
import { infisicalProvider } from "../../src/providers/infisical/index.js";
import type { ProviderContext, StoreKind } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { FakeCloudMetadata } from "../fakes/akeyless-cloud.js";
import { type InfisicalFake, startInfisicalFake } from "../fakes/infisical-server.js";
import { type FakeServer, sendJson, startFakeServer } from "../support/fake-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "GCE_METADATA_HOST",
  "GCP_OAUTH_TOKEN_URL",
  "GCP_IAM_CREDENTIALS_ENDPOINT",
] as const;

const OPERATOR_TOKEN = "operator-sa-token.jwt";
const SA_EMAIL = "infisical-reader@proj.iam.gserviceaccount.com";
/** What the fake IAM Credentials API puts in place of Google's signature: which account it signed for. */
const googleSignature = (email: string) => Buffer.from(`google:${email}`).toString("base64url");
const b64json = (s: string) => JSON.parse(Buffer.from(s, "base64").toString("utf8"));

/** Infisical's AWS auth check: the replayed STS request must be signed by the operator's key for eu-west-1. */
function awsProof(b: Record<string, any>): string | undefined {
  const headers = b64json(b.iamRequestHeaders) as Record<string, string>;
  const body = Buffer.from(b.iamRequestBody, "base64").toString("utf8");
  if (b.iamHttpRequestMethod !== "POST" || body !== "Action=GetCallerIdentity&Version=2011-06-15") return undefined;
  if (headers.Host !== "sts.eu-west-1.amazonaws.com") return undefined;
  const d = headers["X-Amz-Date"]!;
  const when = new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
  const expected = signRequest(
    {
      method: "POST",
      url: new URL(`https://${headers.Host}/`),
      headers: { "Content-Type": headers["Content-Type"]! },
      body,
    },
    {
      accessKeyId: "AKIAOPERATOR",
      secretAccessKey: "operator-secret-key",
      sessionToken: headers["X-Amz-Security-Token"],
    },
    "eu-west-1",
    "sts",
    when,
  );
  return expected.Authorization === headers.Authorization && b.identityId === "id-aws" ? "identity-aws" : undefined;
}

describe("infisical machine identities of the operator", () => {
  let fake: InfisicalFake;
  let metadata: FakeCloudMetadata;
  let google: FakeServer<string>;
  let kube: MemoryKubeAccess;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const gsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const gsaKey = JSON.stringify({
    type: "service_account",
    client_email: SA_EMAIL,
    private_key: gsa.privateKey.export({ type: "pkcs8", format: "pem" }),
    private_key_id: "kid-1",
  });

  const ctx = (storeKind: StoreKind): ProviderContext => ({
    kube,
    caches: new ClientCaches(),
    storeKind,
    storeName: "inf",
    namespace: "team",
  });
  const spec = (auth: Record<string, unknown>): any => ({
    hostAPI: fake.url,
    auth,
    secretsScope: { projectSlug: "shop", environmentSlug: "prod" },
  });
  const read = async (auth: Record<string, unknown>, kind: StoreKind = "ClusterSecretStore") =>
    (await (await infisicalProvider.newClient(spec(auth), ctx(kind))).getSecret({ key: "DB_USER" })).toString();
  const ref = (key: string) => ({ name: "ids", key, namespace: "team" });

  before(async () => {
    for (const k of ENV) saved[k] = process.env[k];
    fake = await startInfisicalFake();
    metadata = await new FakeCloudMetadata().start();
    google = await startFakeServer({
      routes: [
        {
          method: "POST",
          path: "/token",
          handle: (req, res) => {
            const assertion = new URLSearchParams(req.text()).get("assertion") ?? "";
            const [h, p, sig] = assertion.split(".");
            const ok = createVerify("RSA-SHA256")
              .update(`${h}.${p}`)
              .verify(gsa.publicKey, sig ?? "", "base64url");
            if (!ok) return sendJson(res, 400, { error: "invalid_grant" });
            sendJson(res, 200, { access_token: "ya29.operator-gsa", expires_in: 3600, token_type: "Bearer" });
          },
        },
        {
          method: "POST",
          path: /^\/v1\/projects\/-\/serviceAccounts\/([^/]+):signJwt$/,
          handle: (req, res, m) => {
            if (req.headers.authorization !== "Bearer ya29.operator-gsa") return sendJson(res, 401, { error: {} });
            const email = decodeURIComponent(m![1]!);
            const payload = Buffer.from(String(req.json().payload)).toString("base64url");
            sendJson(res, 200, {
              keyId: "google-kid",
              signedJwt: `eyJhbGciOiJSUzI1NiJ9.${payload}.${googleSignature(email)}`,
            });
          },
        },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), "infisical-ids-"));
    writeFileSync(join(dir, "token"), `${OPERATOR_TOKEN}\n`);
    writeFileSync(join(dir, "other-token"), "mounted-projected-token");
    writeFileSync(join(dir, "gsa.json"), gsaKey);
    configureTenantPolicy({ ownServiceAccountTokenPath: join(dir, "token") });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIAOPERATOR",
      AWS_SECRET_ACCESS_KEY: "operator-secret-key",
      AWS_SESSION_TOKEN: "operator-session",
      AWS_REGION: "eu-west-1",
      AWS_CONFIG_FILE: "/nonexistent",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
      AWS_EC2_METADATA_DISABLED: "true",
      AZURE_POD_IDENTITY_AUTHORITY_HOST: metadata.url,
      GCE_METADATA_HOST: metadata.url.replace(/^http:\/\//, ""),
      GCP_OAUTH_TOKEN_URL: `${google.url}/token`,
      GCP_IAM_CREDENTIALS_ENDPOINT: google.url,
    });
    delete process.env.AWS_PROFILE;
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    configureTenantPolicy();
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([fake.close(), metadata.close(), google.close()]);
  });
  beforeEach(() => {
    configureTenantPolicy({ ownServiceAccountTokenPath: join(dir, "token") });
    fake.projects.clear();
    fake.requests.length = 0;
    fake.addProject("shop", "prod", { DB_USER: "shop" });
    kube = new MemoryKubeAccess().setSecret("team", "ids", {
      identityId: "id-1",
      azureId: "id-azure",
      gcpId: "id-gcp",
      awsId: "id-aws",
      tokenPath: join(dir, "other-token"),
      keyPath: join(dir, "gsa.json"),
      resource: "api://infisical",
    });
    fake.logins.set("kubernetes-auth", (b) =>
      b.identityId === "id-1" && [OPERATOR_TOKEN, "mounted-projected-token"].includes(b.jwt)
        ? "identity-k8s"
        : undefined,
    );
    fake.logins.set("aws-auth", awsProof);
    fake.logins.set("azure-auth", (b) => {
      const issued = metadata.issued.get(b.jwt);
      return b.identityId === "id-azure" && issued?.kind === "azure" && issued.target === "api://infisical"
        ? "identity-azure"
        : undefined;
    });
    fake.logins.set("gcp-auth", (b) => {
      const issued = metadata.issued.get(b.jwt);
      if (issued) return issued.target === "id-gcp" && b.identityId === "id-gcp" ? "identity-gcp" : undefined;
      const [, payload, sig] = String(b.jwt).split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
      return sig === googleSignature(SA_EMAIL) && claims.sub === SA_EMAIL && claims.aud === b.identityId
        ? "identity-gcp-iam"
        : undefined;
    });
  });

  describe("kubernetesAuthCredentials", () => {
    const k8s = { kubernetesAuthCredentials: { identityId: ref("identityId") } };

    test("a ClusterSecretStore presents the operator's own ServiceAccount token", async () => {
      assert.equal(await read(k8s), "shop");
    });

    test("serviceAccountTokenPath names another token file of the operator", async () => {
      const withPath = {
        kubernetesAuthCredentials: { identityId: ref("identityId"), serviceAccountTokenPath: ref("tokenPath") },
      };
      assert.equal(await read(withPath), "shop");
    });

    test("in a ClusterSecretStore a path must come from a Secret the store names with its namespace", async () => {
      const referent = {
        kubernetesAuthCredentials: {
          identityId: ref("identityId"),
          serviceAccountTokenPath: { name: "ids", key: "tokenPath" },
        },
      };
      await assert.rejects(read(referent), (e: Error) => {
        return e instanceof StoreConfigError && /serviceAccountTokenPath.namespace: is required/.test(e.message);
      });
      const v = infisicalProvider.validate(spec(referent), "ClusterSecretStore");
      assert.match(v.errors.join(), /serviceAccountTokenPath.namespace: is required/);
      assert.equal(fake.requests.length, 0);
    });

    test("a SecretStore is refused before any file is read or request sent", async () => {
      await assert.rejects(read(k8s, "SecretStore"), (e: Error) => {
        return e instanceof StoreConfigError && /kubernetesAuthCredentials: a SecretStore must set/.test(e.message);
      });
      assert.equal(fake.requests.length, 0);
    });
  });

  describe("awsAuthCredentials", () => {
    const aws = { awsAuthCredentials: { identityId: ref("awsId") } };

    test("sends an sts:GetCallerIdentity request signed with the operator's AWS identity (regional endpoint)", async () => {
      assert.equal(await read(aws), "shop");
    });

    test("a SecretStore may use it unless the operator refuses ambient credentials", async () => {
      assert.equal(await read(aws, "SecretStore"), "shop");
      configureTenantPolicy({ refuseAmbientCredentials: true, ownServiceAccountTokenPath: join(dir, "token") });
      await assert.rejects(read(aws, "SecretStore"), (e: Error) => {
        return (
          e instanceof StoreConfigError && /awsAuthCredentials: a SecretStore or generator must set/.test(e.message)
        );
      });
      assert.equal(fake.requests.filter((r) => r.path.endsWith("/login")).length, 1);
      assert.equal(await read(aws, "ClusterSecretStore"), "shop");
    });
  });

  describe("azureAuthCredentials and gcpIdTokenAuthCredentials", () => {
    const azure = { azureAuthCredentials: { identityId: ref("azureId"), resource: ref("resource") } };
    const gcp = { gcpIdTokenAuthCredentials: { identityId: ref("gcpId") } };

    test("azure: an IMDS token for the resource; gcp: a metadata identity token for the identity id", async () => {
      assert.equal(await read(azure), "shop");
      assert.ok(metadata.requests.some((r) => r.includes("resource=api%3A%2F%2Finfisical")));
      assert.equal(await read(gcp), "shop");
      assert.ok(metadata.requests.some((r) => r.includes("audience=id-gcp") && r.includes("format=full")));
    });

    test("refused for SecretStores under --refuse-ambient-credentials-for-namespaced-stores, before the metadata server", async () => {
      configureTenantPolicy({ refuseAmbientCredentials: true, ownServiceAccountTokenPath: join(dir, "token") });
      const before = metadata.requests.length;
      await assert.rejects(read(azure, "SecretStore"), StoreConfigError);
      await assert.rejects(read(gcp, "SecretStore"), StoreConfigError);
      assert.equal(metadata.requests.length, before);
    });
  });

  describe("gcpIamAuthCredentials", () => {
    const iam = { gcpIamAuthCredentials: { identityId: ref("gcpId"), serviceAccountKeyFilePath: ref("keyPath") } };

    test("a JWT {sub: the key's service account, aud: identityId} signed by IAM signJwt", async () => {
      assert.equal(await read(iam), "shop");
    });

    test("a SecretStore may not name a key file of the operator", async () => {
      await assert.rejects(read(iam, "SecretStore"), (e: Error) => {
        return e instanceof StoreConfigError && /may not name files of the operator/.test(e.message);
      });
      assert.deepEqual(
        google.requests.map((r) => r.split(" ")[1]!.split(":")[1] ?? "token"),
        ["token", "signJwt"],
        "only the ClusterSecretStore test reached Google",
      );
    });
  });

  describe("ociAuthCredentials", () => {
    test("the headers of a signed GET of the user at OCI Identity; an encrypted key opens with its passphrase", async () => {
      const oci = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const pem = oci.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pp" });
      kube.setSecret("team", "oci", {
        id: "id-oci",
        key: pem,
        pass: "pp",
        fp: "aa:bb:cc",
        user: "ocid1.user.oc1..u",
        tenancy: "ocid1.tenancy.oc1..t",
        region: "eu-frankfurt-1",
      });
      fake.logins.set("oci-auth", (b) => {
        const h = b.headers as Record<string, string>;
        const m = /keyId="([^"]+)",algorithm="rsa-sha256",signature="([^"]+)"/.exec(h.authorization ?? "");
        const signing = `date: ${h.date}\n(request-target): get /20160918/users/${b.userOcid}\nhost: ${h.host}`;
        const ok =
          m?.[1] === "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb:cc" &&
          h.host === "identity.eu-frankfurt-1.oraclecloud.com" &&
          createVerify("RSA-SHA256").update(signing).verify(oci.publicKey, m[2]!, "base64");
        return ok && b.identityId === "id-oci" ? "identity-oci" : undefined;
      });
      const o = (key: string) => ({ name: "oci", key });
      const auth = {
        ociAuthCredentials: {
          identityId: o("id"),
          privateKey: o("key"),
          privateKeyPassphrase: o("pass"),
          fingerprint: o("fp"),
          userId: o("user"),
          tenancyId: o("tenancy"),
          region: o("region"),
        },
      };
      assert.equal(await read(auth, "SecretStore"), "shop");
      kube.setSecret("team", "oci", {
        id: "id-oci",
        key: pem,
        pass: "wrong",
        fp: "f",
        user: "u",
        tenancy: "t",
        region: "r",
      });
      await assert.rejects(read(auth, "SecretStore"), (e: Error) => {
        return (
          e instanceof StoreConfigError &&
          /privateKey: is not a PEM private key/.test(e.message) &&
          !e.message.includes("wrong")
        );
      });
    });
  });
});
