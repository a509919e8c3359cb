import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { yandexCertificateManagerProvider } from "../../src/providers/yandexcertificatemanager/index.js";
import { startYandexFake, type YandexFake, type YandexFakeKey } from "../fakes/yandex-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const LEAF = "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----";
const ROOT = "-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----";
const KEY = "-----BEGIN PRIVATE KEY-----\nS3CR3TKEYMATERIAL\n-----END PRIVATE KEY-----";
const OLD_KEY = "-----BEGIN PRIVATE KEY-----\nOLDKEYMATERIAL\n-----END PRIVATE KEY-----";

describe("yandexcertificatemanager provider", () => {
  let fake: YandexFake;
  let key: YandexFakeKey;
  let ctx: ProviderContext;
  let certId: string;

  before(async () => {
    fake = await startYandexFake();
    key = fake.newKey();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.certificates.length = 0;
    fake.requests.length = 0;
    fake.readers.add(key.serviceAccountId);
    certId = fake.addCertificate({
      folderId: "b1gfolder",
      name: "web",
      versions: [
        { id: "c1", chain: [LEAF], privateKey: OLD_KEY },
        // Upstream trims each PEM block: surrounding whitespace must not survive.
        { id: "c2", chain: [`${LEAF}\n\n`, ` ${ROOT}`], privateKey: `${KEY}\n` },
      ],
    }).id;
    const kube = new MemoryKubeAccess()
      .setSecret("ns", "yc-key", { "key.json": key.json })
      .setSecret("ns", "yc-ca", { "ca.pem": fake.caPem });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "certs", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      apiEndpoint: fake.apiEndpoint,
      auth: { authorizedKeySecretRef: { name: "yc-key", key: "key.json" } },
      caProvider: { certSecretRef: { name: "yc-ca", key: "ca.pem" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}) => yandexCertificateManagerProvider.newClient(spec(extra), ctx);

  test("validate(spec) names bad fields; the store is ready with a good key", async () => {
    assert.deepEqual(yandexCertificateManagerProvider.validate(spec(), "SecretStore"), { errors: [], warnings: [] });
    assert.deepEqual(
      yandexCertificateManagerProvider.validate(spec({ fetching: { byName: {} } }), "SecretStore").errors,
      [
        "spec.provider.yandexcertificatemanager.fetching.byName.folderID: folderID is required when fetching policy is 'byName'",
      ],
    );
    assert.deepEqual(await (await client()).validate(), { ready: true });
  });

  test("getSecret: chain and key by default and by property, each part trimmed", async () => {
    const c = await client();
    const chain = `${LEAF}\n${ROOT}\n`;
    assert.equal((await c.getSecret({ key: certId })).toString(), `${chain}${KEY}\n`);
    assert.equal((await c.getSecret({ key: certId, property: "chainAndPrivateKey" })).toString(), `${chain}${KEY}\n`);
    assert.equal((await c.getSecret({ key: certId, property: "chain" })).toString(), chain);
    assert.equal((await c.getSecret({ key: certId, property: "privateKey" })).toString(), `${KEY}\n`);
    assert.equal(
      (await c.getSecret({ key: certId, property: "privateKey", version: "c1" })).toString(),
      `${OLD_KEY}\n`,
    );
    await assert.rejects(c.getSecret({ key: certId, property: "pfx" }), /unsupported property "pfx"/);
  });

  test("getSecretMap: chain and privateKey as the service sent them", async () => {
    const m = await (await client()).getSecretMap({ key: certId });
    assert.deepEqual(Object.keys(m).sort(), ["chain", "privateKey"]);
    assert.equal(m.chain!.toString(), `${LEAF}\n\n\n ${ROOT}`);
    assert.equal(m.privateKey!.toString(), `${KEY}\n`);
  });

  test("fetching.byName reads by folder and certificate name", async () => {
    const c = await client({ fetching: { byName: { folderID: "b1gfolder" } } });
    assert.equal((await c.getSecret({ key: "web", property: "privateKey" })).toString(), `${KEY}\n`);
    assert.ok(
      fake.requests.some((r) =>
        r.includes("certificates:getEx?folderAndName.folderId=b1gfolder&folderAndName.certificateName=web"),
      ),
    );
  });

  test("failures map to their errors without values; writes are not supported", async () => {
    const c = await client();
    const errs: Error[] = [];
    const grab = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected failure"),
        (e: Error) => {
          errs.push(e);
          return e;
        },
      );
    assert.ok((await grab(c.getSecret({ key: "fpqmissing" }))) instanceof NoSecretError);
    assert.match(errs[0]!.message, /certificate "fpqmissing"/);
    fake.faults.push(429);
    assert.ok((await grab(c.getSecret({ key: certId }))) instanceof ProviderThrottledError);
    fake.readers.delete(key.serviceAccountId);
    assert.ok((await grab(c.getSecretMap({ key: certId }))) instanceof ProviderAuthError);
    for (const e of errs)
      for (const v of [KEY, "S3CR3TKEYMATERIAL", ...fake.tokens.keys()]) assert.ok(!e.message.includes(v));
    await assert.rejects(c.getAllSecrets({}), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
  });

  test("tenancy: a SecretStore may not read another namespace's key", async () => {
    await assert.rejects(
      client({ auth: { authorizedKeySecretRef: { name: "yc-key", namespace: "other", key: "key.json" } } }),
      StoreConfigError,
    );
  });
});
