/**
 * AzureAccessToken end to end: an ExternalSecret whose dataFrom names the generator gets a Secret holding the
 * Entra ID token for spec.resource under "token" (remapped by the template, as for Azure DevOps' AZP_TOKEN),
 * through the running controllers and the in-process API server, against the loopback Entra ID fake; refused
 * credentials give Ready=False naming the auth method, and no Secret.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type AzureKVFake, startAzureKVFake } from "../fakes/azurekv-server.js";
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

const NS = "azure-token";
const API = "generators.external-secrets.io/v1alpha1";
const DEVOPS = "499b84ac-1321-427f-aa17-267ca6975798";
const AZURE_TOKENS = {
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural: "azureaccesstokens",
  namespaced: true,
};

let fake: AzureKVFake;
let dir: string;
let restoreEnv: () => void;

before(async () => {
  fake = await startAzureKVFake("tenant-1");
  fake.clients.set("sp-client", { secret: "sp-secret" });
  dir = mkdtempSync(join(tmpdir(), "e2e-azure-token-"));
  writeFileSync(join(dir, "ca.pem"), fake.caPem);
  restoreEnv = setEnv({ ESO_AZURE_CA_BUNDLE: join(dir, "ca.pem"), AZURE_AUTHORITY_HOST: fake.url });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "azure-sp", { id: "sp-client", secret: "sp-secret" }));
  await h.client.create(SECRETS, secretManifest(NS, "azure-sp-wrong", { id: "sp-client", secret: "not-it" }));
});

after(async () => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
  await fake.close();
});

async function createGenerator(name: string, secretName: string) {
  await h.client.create(AZURE_TOKENS, {
    apiVersion: API,
    kind: "AzureAccessToken",
    metadata: { name, namespace: NS },
    spec: {
      resource: DEVOPS,
      tenantId: "tenant-1",
      auth: {
        servicePrincipal: {
          secretRef: { clientId: { name: secretName, key: "id" }, clientSecret: { name: secretName, key: "secret" } },
        },
      },
    },
  });
}

const fromGenerator = (name: string) => ({
  dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API, kind: "AzureAccessToken", name } } }],
});

describe("AzureAccessToken through an ExternalSecret", () => {
  it("writes the token for spec.resource, remapped to AZP_TOKEN by the template", async () => {
    await createGenerator("devops-token", "azure-sp");
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("azp", NS, {
        ...fromGenerator("devops-token"),
        target: { template: { data: { AZP_TOKEN: "{{ .token }}" } } },
      }),
    );
    const data = await eventually(async () => {
      const d = await secretData(h, NS, "azp");
      return d.AZP_TOKEN ? d : undefined;
    });
    assert.deepEqual(Object.keys(data), ["AZP_TOKEN"]);
    assert.equal(fake.tokenResource(data.AZP_TOKEN!), DEVOPS, "a token Entra issued for the DevOps resource");
    assert.equal(fake.tokenScopes.at(-1), `${DEVOPS}/.default`);
  });

  it("refused credentials are Ready=False naming the auth method, and no Secret is written", async () => {
    await createGenerator("refused", "azure-sp-wrong");
    await h.client.create(EXTERNAL_SECRETS, externalSecret("azp-refused", NS, fromGenerator("refused")));
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "azp-refused");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /spec\.auth\.servicePrincipal: Entra ID token request failed/);
    assert.doesNotMatch(cond.message!, /not-it|sp-secret/);
    assert.equal(await h.client.get(SECRETS, NS, "azp-refused"), undefined);
  });
});
