/**
 * ACRAccessToken end to end: an ExternalSecret whose dataFrom names the generator gets a docker login Secret
 * (username, password) through the running controllers and the in-process API server, against the loopback
 * registry and Entra ID fakes; a refusing registry gives Ready=False naming the call, and no Secret.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type AcrFake, startAcrFake } from "../fakes/acr-server.js";
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

const NS = "acr";
const API = "generators.external-secrets.io/v1alpha1";
const ACR_TOKENS = {
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural: "acraccesstokens",
  namespaced: true,
};

let fake: AcrFake;
let dir: string;
let restoreEnv: () => void;

before(async () => {
  fake = await startAcrFake("tenant-1");
  fake.aad.clients.set("sp-client", { secret: "sp-secret" });
  dir = mkdtempSync(join(tmpdir(), "e2e-acr-"));
  writeFileSync(join(dir, "ca.pem"), fake.caPem);
  restoreEnv = setEnv({ ESO_AZURE_CA_BUNDLE: join(dir, "ca.pem"), AZURE_AUTHORITY_HOST: fake.aad.url });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "azure-sp", { id: "sp-client", secret: "sp-secret" }));
});

after(async () => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
  await fake.close();
});

async function createGenerator(name: string, scope?: string) {
  await h.client.create(ACR_TOKENS, {
    apiVersion: API,
    kind: "ACRAccessToken",
    metadata: { name, namespace: NS },
    spec: {
      registry: fake.registry,
      tenantId: "tenant-1",
      ...(scope ? { scope } : {}),
      auth: {
        servicePrincipal: {
          secretRef: { clientId: { name: "azure-sp", key: "id" }, clientSecret: { name: "azure-sp", key: "secret" } },
        },
      },
    },
  });
}

const fromGenerator = (name: string) => ({
  dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API, kind: "ACRAccessToken", name } } }],
});

describe("ACRAccessToken through an ExternalSecret", () => {
  it("writes username and the registry's token as password", async () => {
    await createGenerator("registry-login", "repository:app:pull");
    await h.client.create(EXTERNAL_SECRETS, externalSecret("acr-login", NS, fromGenerator("registry-login")));
    const data = await eventually(async () => {
      const d = await secretData(h, NS, "acr-login");
      return d.password ? d : undefined;
    });
    assert.deepEqual(Object.keys(data).sort(), ["password", "username"]);
    assert.equal(data.username, "00000000-0000-0000-0000-000000000000");
    assert.equal(data.password, fake.accessTokens.at(-1)?.token);
    assert.equal(fake.accessTokens.at(-1)?.scope, "repository:app:pull");
  });

  it("a refusing registry is Ready=False naming the call, and no Secret is written", async () => {
    await createGenerator("refused");
    for (let i = 0; i < 50; i++) fake.faults.push({ status: 403, path: "/oauth2/exchange" });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("acr-refused", NS, fromGenerator("refused")));
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "acr-refused");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /POST \/oauth2\/exchange was refused \(HTTP 403\)/);
    assert.doesNotMatch(cond.message!, /sp-secret/);
    assert.equal(await h.client.get(SECRETS, NS, "acr-refused"), undefined);
    fake.faults.length = 0;
  });
});
