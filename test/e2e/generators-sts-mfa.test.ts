/**
 * STSSessionToken and MFA end to end: ExternalSecrets with dataFrom[].sourceRef.generatorRef through the running
 * controllers and the in-process API server. STS is the loopback AWS fake (AWS_STS_ENDPOINT); a refused call
 * leaves a Ready=False condition naming the field and no Secret. MFA runs as a namespaced kind and inside a
 * ClusterGenerator (mfaSpec), with spec.when pinning RFC 6238's vector time.
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

const NS = "gen-sts-mfa";
const API = "generators.external-secrets.io/v1alpha1";
const REGION = "eu-north-1";
// RFC 6238 appendix B's SHA-1 seed ("12345678901234567890") in base32.
const SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

let aws: FakeAws;
let restoreEnv: () => void;

before(async () => {
  aws = await new FakeAws(REGION).start();
  aws.addAccessKey("AKIDE2ESTS", "e2e-sts-secret");
  restoreEnv = setEnv({ [ENDPOINT_ENV.sts]: aws.url });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "aws-creds", { id: "AKIDE2ESTS", secret: "e2e-sts-secret" }));
  await h.client.create(SECRETS, secretManifest(NS, "totp", { seed: SEED }));
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

describe("STSSessionToken through an ExternalSecret", () => {
  it("writes temporary credentials under upstream's keys", async () => {
    await h.client.create(gen("stssessiontokens"), {
      apiVersion: API,
      kind: "STSSessionToken",
      metadata: { name: "session", namespace: NS },
      spec: { region: REGION, auth: staticKeysAuth, requestParameters: { sessionDuration: 3600 } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("session", NS, fromGenerator("STSSessionToken", "session", "1h")),
    );
    const data = await dataWith("session", "access_key_id");
    const issued = aws.sessionTokens.find((t) => t.accessKeyId === data.access_key_id);
    assert.ok(issued, "the Secret holds the keys STS issued");
    assert.equal(issued.durationSeconds, 3600);
    assert.ok(data.secret_access_key && data.session_token);
    const expiresIn = Number(data.expiration) - Date.now() / 1000;
    assert.ok(expiresIn > 3500 && expiresIn <= 3600, `expires in ${expiresIn} s`);
  });

  it("a refused call is Ready=False naming spec.auth, with no Secret written", async () => {
    aws.deny("GetSessionToken");
    try {
      await h.client.create(gen("stssessiontokens"), {
        apiVersion: API,
        kind: "STSSessionToken",
        metadata: { name: "denied", namespace: NS },
        spec: { region: REGION, auth: staticKeysAuth },
      });
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("denied", NS, fromGenerator("STSSessionToken", "denied", "1h")),
      );
      const cond = await eventually(async () => {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "denied");
        return c?.status === "False" ? c : undefined;
      });
      assert.match(cond.message ?? "", /spec\.auth: sts:GetSessionToken was refused: AccessDenied/);
      assert.ok(!(cond.message ?? "").includes("e2e-sts-secret"));
      assert.equal(await h.client.get(SECRETS, NS, "denied"), undefined);
    } finally {
      aws.allow("GetSessionToken");
    }
  });
});

describe("MFA through an ExternalSecret", () => {
  it("a namespaced MFA writes token and timeLeft", async () => {
    await h.client.create(gen("mfas"), {
      apiVersion: API,
      kind: "MFA",
      metadata: { name: "otp", namespace: NS },
      spec: { secret: { name: "totp", key: "seed" }, length: 8, when: "2005-03-18T01:58:29Z" },
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("otp", NS, fromGenerator("MFA", "otp", "1h")));
    const data = await dataWith("otp", "token");
    assert.deepEqual(data, { token: "07081804", timeLeft: "1" });
  });

  it("a ClusterGenerator with mfaSpec reads the seed from the requesting namespace", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-otp" },
      spec: { kind: "MFA", generator: { mfaSpec: { secret: { name: "totp", key: "seed" } } } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("shared-otp", NS, fromGenerator("ClusterGenerator", "shared-otp", "1h")),
    );
    const data = await dataWith("shared-otp", "token");
    assert.match(data.token!, /^\d{6}$/);
    const left = Number(data.timeLeft);
    assert.ok(left >= 1 && left <= 30, `timeLeft ${left}`);
  });

  it("a seed that is not base32 is Ready=False naming spec.secret, with no Secret written", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "bad-seed", { seed: "not base32!" }));
    await h.client.create(gen("mfas"), {
      apiVersion: API,
      kind: "MFA",
      metadata: { name: "bad", namespace: NS },
      spec: { secret: { name: "bad-seed", key: "seed" } },
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("bad-otp", NS, fromGenerator("MFA", "bad", "1h")));
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "bad-otp");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message ?? "", /spec\.secret: key "seed" is not a usable TOTP seed/);
    assert.ok(!(cond.message ?? "").includes("not base32!"));
    assert.equal(await h.client.get(SECRETS, NS, "bad-otp"), undefined);
  });
});
