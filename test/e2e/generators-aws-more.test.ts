/**
 * CodeArtifactAuthorizationToken, RDSIAMAuthToken and STSAssumeRoleToken end to end: ExternalSecrets with
 * dataFrom[].sourceRef.generatorRef through the running controllers and the in-process API server, against the
 * loopback AWS fake (AWS_CODEARTIFACT_ENDPOINT, AWS_STS_ENDPOINT). Namespaced generators and ClusterGenerators
 * (codeArtifactAuthorizationTokenSpec, rdsIAMAuthTokenSpec, stsAssumeRoleTokenSpec) write upstream's keys; a refused call leaves
 * Ready=False naming the field and no Secret.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { staticKeysAuth } from "../support/aws-generators.js";
import { fromGenerator, gen } from "../support/generator-refs.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRETS,
  secretData,
  secretManifest,
  setEnv,
  useHarness,
} from "../support/world.js";

const NS = "gen-aws-more";
const API = "generators.external-secrets.io/v1alpha1";
const REGION = "ap-southeast-2";
const SECRET_KEY = "e2e-codeartifact-secret";
const DOMAIN = "acme";
const OWNER = "123456789012";

let aws: FakeAws;
let restoreEnv: () => void;

before(async () => {
  aws = await new FakeAws(REGION).start();
  aws.addAccessKey("AKIDE2ECODEARTIFACT", SECRET_KEY);
  aws.addCodeArtifactDomain(DOMAIN, OWNER);
  restoreEnv = setEnv({ [ENDPOINT_ENV.codeartifact]: aws.url, [ENDPOINT_ENV.sts]: aws.url });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "aws-creds", { id: "AKIDE2ECODEARTIFACT", secret: SECRET_KEY }));
});

after(async () => {
  await aws.stop();
  restoreEnv();
});

async function dataWith(name: string, key: string) {
  return eventually(
    async () => {
      const d = await secretData(h, NS, name);
      return d[key] ? d : undefined;
    },
    { timeoutMs: 20_000, what: `${name}.${key}` },
  );
}

describe("CodeArtifactAuthorizationToken through an ExternalSecret", () => {
  it("a namespaced generator writes authorizationToken and expiration", async () => {
    await h.client.create(gen("codeartifactauthorizationtokens"), {
      apiVersion: API,
      kind: "CodeArtifactAuthorizationToken",
      metadata: { name: "packages", namespace: NS },
      spec: { region: REGION, auth: staticKeysAuth, domain: DOMAIN, domainOwner: OWNER, durationSeconds: 3600 },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("packages", NS, fromGenerator("CodeArtifactAuthorizationToken", "packages", "1h")),
    );
    const data = await dataWith("packages", "authorizationToken");
    assert.deepEqual(Object.keys(data).sort(), ["authorizationToken", "expiration"]);
    const issued = aws.codeArtifactTokens.find((t) => t.token === data.authorizationToken);
    assert.ok(issued, "the Secret holds the token CodeArtifact issued");
    assert.equal(issued.durationSeconds, 3600);
    const expiresIn = Number(data.expiration) - Date.now() / 1000;
    assert.ok(expiresIn > 3500 && expiresIn <= 3600, `expires in ${expiresIn} s`);
  });

  it("a ClusterGenerator with codeArtifactAuthorizationTokenSpec reads keys from the requesting namespace", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-packages" },
      spec: {
        kind: "CodeArtifactAuthorizationToken",
        generator: {
          codeArtifactAuthorizationTokenSpec: {
            region: REGION,
            auth: staticKeysAuth,
            domain: DOMAIN,
            domainOwner: OWNER,
          },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("shared-packages", NS, fromGenerator("ClusterGenerator", "shared-packages", "1h")),
    );
    const data = await dataWith("shared-packages", "authorizationToken");
    assert.ok(aws.codeArtifactTokens.some((t) => t.token === data.authorizationToken && t.durationSeconds === 43_200));
  });

  it("a refused call is Ready=False naming spec.auth, with no Secret written", async () => {
    aws.deny("GetAuthorizationToken");
    try {
      await h.client.create(gen("codeartifactauthorizationtokens"), {
        apiVersion: API,
        kind: "CodeArtifactAuthorizationToken",
        metadata: { name: "denied", namespace: NS },
        spec: { region: REGION, auth: staticKeysAuth, domain: DOMAIN, domainOwner: OWNER },
      });
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("denied", NS, fromGenerator("CodeArtifactAuthorizationToken", "denied", "1h")),
      );
      const cond = await eventually(async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "denied");
        return c?.status === "False" ? c : undefined;
      });
      assert.match(
        cond.message ?? "",
        /spec\.auth: codeartifact:GetAuthorizationToken was refused: AccessDeniedException/,
      );
      assert.ok(!(cond.message ?? "").includes(SECRET_KEY));
      assert.equal(await h.client.get(SECRETS, NS, "denied"), undefined);
    } finally {
      aws.allow("GetAuthorizationToken");
    }
  });

  it("the API server rejects a generator without domainOwner (required, as upstream)", async () => {
    await assert.rejects(
      h.client.create(gen("codeartifactauthorizationtokens"), {
        apiVersion: API,
        kind: "CodeArtifactAuthorizationToken",
        metadata: { name: "incomplete", namespace: NS },
        spec: { region: REGION, domain: DOMAIN },
      }),
      /domainOwner/,
    );
  });
});

describe("RDSIAMAuthToken through an ExternalSecret", () => {
  const rdsSpec = {
    region: REGION,
    hostname: "db.example.internal",
    port: 3306,
    username: "reporting",
    auth: staticKeysAuth,
  };

  it("a namespaced generator writes the presigned token under upstream's keys", async () => {
    await h.client.create(gen("rdsiamauthtokens"), {
      apiVersion: API,
      kind: "RDSIAMAuthToken",
      metadata: { name: "db", namespace: NS },
      spec: rdsSpec,
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("db", NS, fromGenerator("RDSIAMAuthToken", "db", "1h")));
    const data = await dataWith("db", "token");
    assert.deepEqual(Object.keys(data).sort(), [
      "endpoint",
      "expires_at",
      "hostname",
      "password",
      "port",
      "token",
      "username",
    ]);
    assert.equal(data.password, data.token);
    assert.equal(data.endpoint, "db.example.internal:3306");
    const q = new URL(`https://${data.token}`).searchParams;
    assert.equal(q.get("DBUser"), "reporting");
    assert.match(
      q.get("X-Amz-Credential") ?? "",
      new RegExp(`^AKIDE2ECODEARTIFACT/\\d{8}/${REGION}/rds-db/aws4_request$`),
    );
    const expiresIn = Number(data.expires_at) - Date.now() / 1000;
    assert.ok(expiresIn > 800 && expiresIn <= 900, `expires in ${expiresIn} s`);
  });

  it("a ClusterGenerator with rdsIAMAuthTokenSpec assumes spec.role; a refused assumption is Ready=False", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-db" },
      spec: {
        kind: "RDSIAMAuthToken",
        generator: { rdsIAMAuthTokenSpec: { ...rdsSpec, role: "arn:aws:iam::123456789012:role/db" } },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("shared-db", NS, fromGenerator("ClusterGenerator", "shared-db", "1h")),
    );
    const data = await dataWith("shared-db", "token");
    assert.ok(
      new URL(`https://${data.token}`).searchParams.get("X-Amz-Security-Token"),
      "signed with the role's session",
    );

    aws.deny("AssumeRole");
    try {
      await h.client.create(gen("rdsiamauthtokens"), {
        apiVersion: API,
        kind: "RDSIAMAuthToken",
        metadata: { name: "no-role", namespace: NS },
        spec: { ...rdsSpec, role: "arn:aws:iam::123456789012:role/db" },
      });
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("no-role", NS, fromGenerator("RDSIAMAuthToken", "no-role", "1h")),
      );
      const cond = await eventually(async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "no-role");
        return c?.status === "False" ? c : undefined;
      });
      assert.match(cond.message ?? "", /spec\.role: /);
      assert.ok(!(cond.message ?? "").includes(SECRET_KEY));
      assert.equal(await h.client.get(SECRETS, NS, "no-role"), undefined);
    } finally {
      aws.allow("AssumeRole");
    }
  });
});

describe("STSAssumeRoleToken through an ExternalSecret", () => {
  const role = "arn:aws:iam::210987654321:role/deployer";

  it("writes the assumed role's credentials under upstream's keys", async () => {
    await h.client.create(gen("stsassumeroletokens"), {
      apiVersion: API,
      kind: "STSAssumeRoleToken",
      metadata: { name: "deployer", namespace: NS },
      spec: {
        region: REGION,
        role,
        auth: staticKeysAuth,
        requestParameters: { sessionDuration: 1800, externalID: "e2e" },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("deployer", NS, fromGenerator("STSAssumeRoleToken", "deployer", "1h")),
    );
    const data = await dataWith("deployer", "access_key_id");
    assert.deepEqual(Object.keys(data).sort(), ["access_key_id", "expiration", "secret_access_key", "session_token"]);
    const session = aws.sessions.find((s) => s.roleArn === role && s.externalId === "e2e");
    assert.equal(session?.durationSeconds, 1800);
    const expiresIn = Number(data.expiration) - Date.now() / 1000;
    assert.ok(expiresIn > 1700 && expiresIn <= 1800, `expires in ${expiresIn} s`);
  });

  it("a ClusterGenerator with stsAssumeRoleTokenSpec works; a refused AssumeRole is Ready=False with no Secret", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-deployer" },
      spec: {
        kind: "STSAssumeRoleToken",
        generator: { stsAssumeRoleTokenSpec: { region: REGION, role, auth: staticKeysAuth } },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("shared-deployer", NS, fromGenerator("ClusterGenerator", "shared-deployer", "1h")),
    );
    const data = await dataWith("shared-deployer", "session_token");
    assert.match(data.access_key_id ?? "", /^ASIA/);

    aws.deny("AssumeRole");
    try {
      await h.client.create(gen("stsassumeroletokens"), {
        apiVersion: API,
        kind: "STSAssumeRoleToken",
        metadata: { name: "refused", namespace: NS },
        spec: { region: REGION, role, auth: staticKeysAuth },
      });
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("refused", NS, fromGenerator("STSAssumeRoleToken", "refused", "1h")),
      );
      const cond = await eventually(async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "refused");
        return c?.status === "False" ? c : undefined;
      });
      assert.match(cond.message ?? "", /spec\.role: sts:AssumeRole was refused/);
      assert.ok(!(cond.message ?? "").includes(SECRET_KEY));
      assert.equal(await h.client.get(SECRETS, NS, "refused"), undefined);
    } finally {
      aws.allow("AssumeRole");
    }
  });
});
