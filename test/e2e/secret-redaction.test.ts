/**
 * Secret values never reach status messages or Events, end to end through the running controllers: template
 * errors that would quote a two-character value or the text of a templateFrom Secret, and Vault errors that
 * quote a request parameter or login credential back (the loopback fake echoes request bodies on demand).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EVENTS } from "../../src/kube/index.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "redact";
const SHORT = "q7";
const LONG = "hunter2-long-value";
const TEMPLATE_LITERAL = "literal-in-secret-template";
const TEMPLATE_SHORT = "Zx";
const PARAM = "param-secret-value-9";
const PARAM_SHORT = "P4";
const PASSWORD = "vault-login-password-1";
const PASSWORD_SHORT = "pw";
const API = "generators.external-secrets.io/v1alpha1";
const GENERATORS = {
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural: "vaultdynamicsecrets",
  namespaced: true,
};

let vault: FakeVault;

before(async () => {
  vault = await new FakeVault().start();
  vault.addToken("vault-root").enableAuth("userpass", "userpass", () => ({ ok: false }));
  // Vault's validation answers quote parameters back; every login and PKI call here gets such an answer.
  vault.fault("pki/issue/web", { status: 400, echoBody: true }, 1_000);
  vault.fault("auth/userpass/login", { status: 400, echoBody: true }, 1_000);
});

after(async () => {
  await vault.stop();
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await createReadyStore(
    h,
    fakeStore("fake", NS, [
      { key: "pin", value: SHORT },
      { key: "pass", value: LONG },
    ]),
  );
  await h.client.create(
    SECRETS,
    secretManifest(NS, "creds", { token: "vault-root", password: PASSWORD, short: PASSWORD_SHORT }),
  );
  await h.client.create(
    SECRETS,
    secretManifest(NS, "tpl", {
      literal: `{{ fail "${TEMPLATE_LITERAL}" }}`,
      short: `{{ fail "${TEMPLATE_SHORT}" }}`,
    }),
  );
});

/** Everything a user can read about an object: its status and the messages of its Events. */
async function surfaces(h: Harness, rt: typeof EXTERNAL_SECRETS, name: string): Promise<string> {
  const obj = await h.client.get(rt, NS, name);
  const events = (await h.client.list(EVENTS, NS)).filter((e: any) => e.involvedObject?.name === name);
  return JSON.stringify({ status: obj?.status, events: events.map((e: any) => e.message) });
}

/** Waits until the object is Ready=False and has a Warning event, then returns its condition message. */
async function failure(rt: typeof EXTERNAL_SECRETS, name: string): Promise<string> {
  return eventually(
    async () => {
      const cond = await readyCondition(h, rt, NS, name);
      const events = (await h.client.list(EVENTS, NS)).filter(
        (e: any) => e.involvedObject?.name === name && e.type === "Warning",
      );
      return cond?.status === "False" && events.length > 0 ? (cond.message ?? "") : undefined;
    },
    { timeoutMs: 20_000, what: `${name} failing with a Warning event` },
  );
}

function assertAbsent(text: string, values: string[]): void {
  for (const v of values) {
    const token = new RegExp(`(^|[^A-Za-z0-9_])${v}([^A-Za-z0-9_]|$)`);
    assert.doesNotMatch(text, token, `${v} shows in ${text}`);
  }
}

describe("template errors", () => {
  it("a two-character value printed by a failing function is withheld, the function and key are named", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("short-value", NS, {
        secretStoreRef: { name: "fake" },
        target: { template: { data: { out: "{{ fail .pin }}", date: "{{ .pass }}" } } },
        data: [
          { secretKey: "pin", remoteRef: { key: "pin" } },
          { secretKey: "pass", remoteRef: { key: "pass" } },
        ],
      }),
    );
    const message = await failure(EXTERNAL_SECRETS, "short-value");
    assert.match(message, /template: out:1:3: executing "out" at <fail .pin>: error calling fail: /);
    assert.match(message, /arguments withheld/);
    assertAbsent(await surfaces(h, EXTERNAL_SECRETS, "short-value"), [SHORT, LONG]);
  });

  it("a value quoted by a parse function is withheld with the argument text, short or long", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("quoted-value", NS, {
        secretStoreRef: { name: "fake" },
        target: { template: { data: { when: '{{ printf "%s/%s" .pin .pass | mustToDate "2006" }}' } } },
        data: [
          { secretKey: "pin", remoteRef: { key: "pin" } },
          { secretKey: "pass", remoteRef: { key: "pass" } },
        ],
      }),
    );
    const message = await failure(EXTERNAL_SECRETS, "quoted-value");
    assert.match(message, /error calling mustToDate: parsing time: cannot parse \[arguments withheld\]/);
    assertAbsent(await surfaces(h, EXTERNAL_SECRETS, "quoted-value"), [SHORT, LONG]);
  });

  for (const key of ["literal", "short"]) {
    it(`an error in a templateFrom Secret template (${key}) keeps its location and hides its text`, async () => {
      const name = `from-secret-${key}`;
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name, NS, {
          secretStoreRef: { name: "fake" },
          target: { template: { templateFrom: [{ secret: { name: "tpl", items: [{ key }] } }] } },
          data: [{ secretKey: "pin", remoteRef: { key: "pin" } }],
        }),
      );
      const message = await failure(EXTERNAL_SECRETS, name);
      assert.match(message, new RegExp(`template: ${key}:1:3: \\[details withheld: .*Secret tpl key "${key}"\\]`));
      assertAbsent(await surfaces(h, EXTERNAL_SECRETS, name), [TEMPLATE_LITERAL, TEMPLATE_SHORT, "fail", SHORT]);
    });
  }
});

describe("Vault errors that quote the request back", () => {
  it("VaultDynamicSecret POST parameters: the status names code and path, never a parameter", async () => {
    await h.client.create(GENERATORS, {
      apiVersion: API,
      kind: "VaultDynamicSecret",
      metadata: { name: "pki", namespace: NS },
      spec: {
        method: "POST",
        path: "pki/issue/web",
        parameters: { common_name: "web.example", private_key_password: PARAM, pin: PARAM_SHORT },
        provider: { server: vault.url, auth: { tokenSecretRef: { name: "creds", key: "token" } } },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("pki-cert", NS, {
        dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API, kind: "VaultDynamicSecret", name: "pki" } } }],
      }),
    );
    const message = await failure(EXTERNAL_SECRETS, "pki-cert");
    assert.match(message, /pki\/issue\/web: HTTP 400/);
    assert.ok(vault.count("pki/issue/web", "POST") > 0, "the generator called Vault");
    assertAbsent(await surfaces(h, EXTERNAL_SECRETS, "pki-cert"), [PARAM, PARAM_SHORT, "web.example"]);
  });

  for (const [store, key, password] of [
    ["userpass-long", "password", PASSWORD],
    ["userpass-short", "short", PASSWORD_SHORT],
  ] as const) {
    it(`a failed userPass login (${store}) keeps Vault's text only without the password`, async () => {
      await h.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: store, namespace: NS },
        spec: {
          provider: {
            vault: {
              server: vault.url,
              path: "secret",
              auth: { userPass: { username: "app", secretRef: { name: "creds", key } } },
            },
          },
        },
      });
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(`via-${store}`, NS, {
          secretStoreRef: { name: store },
          data: [{ secretKey: "v", remoteRef: { key: "app/config", property: "v" } }],
        }),
      );
      const message = await failure(SECRET_STORES, store);
      assert.match(message, /userPass login at auth\/userpass\/login\/app failed: HTTP 400/);
      if (password === PASSWORD) assert.match(message, /invalid value \[redacted\] for field "password"/);
      else assert.match(message, /Vault's message withheld/);
      await failure(EXTERNAL_SECRETS, `via-${store}`);
      assertAbsent(await surfaces(h, SECRET_STORES, store), [password]);
      assertAbsent(await surfaces(h, EXTERNAL_SECRETS, `via-${store}`), [password]);
    });
  }
});
