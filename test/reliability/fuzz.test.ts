/**
 * Bad input, property-based (fast-check, bounded runs): manifests (validation), AdmissionReview bodies (the
 * handler and the real HTTPS webhook server), templates (the engine), and provider responses (malformed JSON,
 * huge values, null bytes, deep nesting, invalid base64) from a loopback webhook endpoint, also end to end
 * through the controllers. Nothing crashes or hangs; every failure is a clear error naming the field.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { joinPath, validateObject, validationErrors } from "../../src/api/validation.js";
import { DecodeError, decodeValue } from "../../src/controllers/externalsecret/pipeline/decode.js";
import { EXTERNAL_SECRETS, SECRET_STORES } from "../../src/kube/index.js";
import { registerBuiltinProviders } from "../../src/providers/builtin.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { webhookProvider } from "../../src/providers/webhook/index.js";
import { renderESO, TemplateError } from "../../src/template/index.js";
import { issueCertBundle } from "../../src/util/serving-certs.js";
import { BadReviewError, handleAdmissionReview } from "../../src/webhook/admission.js";
import { esoValidator } from "../../src/webhook/eso.js";
import { startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";
import { startWebhookFake, type WebhookFake, type WebhookReply } from "../fakes/webhook-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";
import { eventually } from "../support/poll.js";
import { type Cluster, createNamespace, externalSecret, startCluster } from "../support/world.js";
import { readyOf, runControllers } from "./support.js";

const validator = esoValidator(registerBuiltinProviders());

/** Figures for the report: inputs tried per area. */
const tried: Record<string, number> = {};
const count = (area: string) => {
  tried[area] = (tried[area] ?? 0) + 1;
};
after(() => console.log(`# reliability/fuzz: inputs ${JSON.stringify(tried)}`));

/** Every ESO manifest under examples/ (the seeds for mutation). */
function exampleManifests(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) {
        for (const d of parseAllDocuments(readFileSync(p, "utf8"))) {
          const obj = d.toJS();
          if (obj && typeof obj === "object" && String(obj.apiVersion ?? "").includes("external-secrets.io"))
            out.push(obj);
        }
      }
    }
  };
  walk(join(process.cwd(), "examples"));
  return out;
}

type Path = (string | number)[];
function leaves(v: unknown, path: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [path];
}
function setAt(obj: any, path: Path, value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path.at(-1)!] = value;
}
const dotted = (p: Path) => p.reduce<string>((acc, k) => joinPath(acc, k), "");

/** A value of a different JSON type than `v`. */
function otherType(v: unknown, pick: number): unknown {
  const options: unknown[] = [12345, true, { nested: "x" }, ["a"], "a-string", -1.5];
  const kind = (x: unknown) => (Array.isArray(x) ? "array" : typeof x);
  const candidates = options.filter((o) => kind(o) !== kind(v) && !(typeof v === "number" && typeof o === "number"));
  return candidates[pick % candidates.length];
}

const seeds = exampleManifests();

describe("fuzz: manifests and admission", () => {
  it("validation never throws; a wrong-typed spec field is reported at its path (unknown fields warn)", () => {
    assert.ok(seeds.length >= 10, `seed manifests found: ${seeds.length}`);
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(), fc.nat(), (si, li, pick) => {
        count("manifest type mutations");
        const obj = structuredClone(seeds[si]!) as any;
        // Free-form blobs (provider-specific metadata, maps of strings) accept any value by design.
        const paths = leaves(obj.spec ?? {})
          .map((p) => ["spec", ...p])
          .filter((p) => !p.some((k) => k === "metadata" || k === "labels" || k === "annotations"));
        if (paths.length === 0 || (paths.length === 1 && paths[0]!.length === 1)) return;
        const path = paths[li % paths.length]!;
        setAt(
          obj,
          path,
          otherType(
            path.reduce((o: any, k) => o?.[k], obj),
            pick,
          ),
        );
        const errors = validateObject(obj);
        const where = dotted(path);
        assert.ok(errors.length > 0, `${obj.kind}: ${where} of the wrong type was accepted`);
        if (validationErrors(obj).length === 0) {
          // Accepted with a warning only: a field this API does not define (kept as upstream would ignore it).
          assert.ok(
            errors.every((e) => e.severity === "warning" && /unknown field/.test(e.message)),
            JSON.stringify(errors),
          );
        }
        for (const e of errors) assert.ok(e.path && e.message, JSON.stringify(e));
        // The report points at the field (or the object holding it, or inside it).
        assert.ok(
          errors.some((e) => where.startsWith(e.path) || e.path.startsWith(where)),
          `${obj.kind}: ${where}: ${JSON.stringify(errors.map((e) => e.path))}`,
        );
      }),
      { numRuns: 400 },
    );
  });

  it("validation of arbitrary shapes never throws and always names a path", () => {
    const kinds = [...new Set(seeds.map((s: any) => `${s.apiVersion}|${s.kind}`))];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.oneof(fc.anything(), fc.object(), fc.dictionary(fc.string(), fc.jsonValue())),
        fc.anything(),
        (kv, spec, metadata) => {
          count("arbitrary manifests");
          const [apiVersion, kind] = kv.split("|");
          for (const obj of [{ apiVersion, kind, metadata, spec }, spec, { apiVersion, kind, spec }]) {
            for (const e of validateObject(obj)) {
              assert.equal(typeof e.path, "string");
              assert.ok(e.path.length > 0 && e.message.length > 0, JSON.stringify(e));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("AdmissionReview handling: an answer with the uid and a field path, or a 400-class error", () => {
    const object = fc.oneof(
      fc.anything(),
      fc.tuple(fc.nat(seeds.length - 1), fc.nat(), fc.nat()).map(([si, li, pick]) => {
        const obj = structuredClone(seeds[si]!) as any;
        const paths = leaves(obj);
        const path = paths[li % paths.length]!;
        if (path.length > 0)
          setAt(
            obj,
            path,
            otherType(
              path.reduce((o: any, k) => o?.[k], obj),
              pick,
            ),
          );
        return obj;
      }),
    );
    const review = fc.record(
      {
        apiVersion: fc.constantFrom("admission.k8s.io/v1", "v1", 7),
        kind: fc.constantFrom("AdmissionReview", "Other"),
        request: fc.oneof(
          fc.record(
            {
              uid: fc.oneof(fc.uuid(), fc.constant(""), fc.integer()),
              operation: fc.constantFrom("CREATE", "UPDATE", "DELETE", "CONNECT", "PATCH", 3),
              object,
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(review, fc.anything()), (body) => {
        count("admission reviews");
        let out: ReturnType<typeof handleAdmissionReview>;
        try {
          out = handleAdmissionReview(body, validator);
        } catch (err) {
          assert.ok(err instanceof BadReviewError, String(err));
          assert.match(err.message, /^(body|request\.\w+):/);
          return;
        }
        assert.equal(out.response.uid, (body as any).request.uid);
        if (!out.response.allowed) {
          assert.equal(out.response.status?.code, 422);
          assert.match(
            out.response.status?.message ?? "",
            /(spec|metadata|apiVersion|kind|request\.object|<root>)\S*:/,
          );
        }
      }),
      { numRuns: 800 },
    );
  });

  it("the HTTPS webhook server answers garbage with 4xx and keeps serving", async () => {
    const bundle = issueCertBundle(["localhost"], 1, ["127.0.0.1"]);
    const server: WebhookServer = await startWebhookServer({
      tls: { cert: bundle.cert, key: bundle.key },
      validate: validator,
      convert: (o) => o,
    });
    const post = (body: Buffer | string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${server.url}/validate-external-secrets-io-v1-externalsecret`,
          { method: "POST", ca: bundle.caCert, agent: false, headers: { "content-type": "application/json" } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          },
        );
        req.on("error", (err: NodeJS.ErrnoException) => {
          // Over the 3 MiB cap the server answers 413 and closes while the body is still being sent.
          if (err.code === "ECONNRESET" && Buffer.byteLength(body) > 3 * 1024 * 1024)
            resolve({ status: 413, text: '{"message":"reset"}' });
          else reject(err);
        });
        req.end(body);
      });
    try {
      const bodies = fc.sample(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
          fc.constant(`${"[".repeat(100_000)}${"]".repeat(100_000)}`),
          fc.constant(Buffer.alloc(4 * 1024 * 1024, 0x20)),
        ),
        60,
      );
      for (const body of bodies) {
        count("webhook server bodies");
        const res = await post(body);
        assert.ok(res.status === 200 || res.status === 400 || res.status === 413, `${res.status} ${res.text}`);
        if (res.status !== 200) assert.ok(JSON.parse(res.text).message, res.text);
      }
      // Still healthy and still deciding correctly.
      const ok = await post(
        JSON.stringify({
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          request: { uid: "u", operation: "CREATE", object: seeds.find((s: any) => s.kind === "ExternalSecret") },
        }),
      );
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.text).response.allowed, true, ok.text);
    } finally {
      await server.close();
    }
  });
});

describe("fuzz: templates", () => {
  const tokens = [
    "{{",
    "}}",
    "{{- ",
    " -}}",
    " ",
    ".",
    ".pw",
    ".Values",
    "$",
    "$x",
    ":=",
    "=",
    "|",
    "(",
    ")",
    ",",
    "\n",
    "range",
    "end",
    "if",
    "else",
    "with",
    'define "t"',
    'template "t" .',
    'block "b" .',
    "break",
    "continue",
    '"str"',
    "`raw`",
    "'c'",
    "1",
    "-3",
    "0x1F",
    "1e400",
    "nil",
    "true",
    'printf "%v %d %s"',
    "upper",
    "b64enc",
    "b64dec",
    "toJson",
    "fromJson",
    "mustFromJson",
    "index",
    "slice",
    "len",
    "and",
    "or",
    "not",
    "eq",
    "lt",
    "dict",
    "list",
    "append",
    "until 99999999",
    "repeat 99999999",
    "seq 1 99999999",
    'regexReplaceAll "(a*)*b"',
    'toDate "2006"',
    "div 1 0",
    "mod 1 0",
    "sha256sum",
    "pkcs12Encode",
    "jwkPublicKeyPem",
    "filterPEM",
    "call",
    "/*",
    "*/",
    "\\",
    "{{/*",
    "*/}}",
  ];
  it("the engine returns a string or throws TemplateError, quickly, for any token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }), fc.string(), (parts, raw) => {
        for (const text of [parts.join(""), `{{ ${parts.join(" ")} }}`, raw]) {
          count("templates");
          const started = Date.now();
          try {
            const out = renderESO("fuzz", text, { pw: "secret", Values: { a: ["x"] } });
            assert.equal(typeof out, "string");
          } catch (err) {
            assert.ok(
              err instanceof TemplateError,
              `${(err as Error)?.name}: ${(err as Error)?.message} for ${JSON.stringify(text)}`,
            );
          }
          assert.ok(Date.now() - started < 5_000, `slow template ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe("fuzz: provider responses", () => {
  let hook: WebhookFake;
  let reply: WebhookReply = { json: {} };
  before(async () => {
    hook = await startWebhookFake();
    hook.routes.set("/v", () => reply);
  });
  after(() => hook.close());

  const body = fc.oneof(
    fc.jsonValue().map((v) => ({ json: { value: v } }) as WebhookReply),
    fc.jsonValue().map((v) => ({ text: JSON.stringify({ value: v }).slice(0, -2) }) as WebhookReply),
    fc.string().map((s) => ({ text: s }) as WebhookReply),
    fc.uint8Array({ maxLength: 512 }).map((a) => ({ text: Buffer.from(a).toString("latin1") }) as WebhookReply),
    fc.string().map((s) => ({ json: { value: `${s}\u0000${s}` } }) as WebhookReply),
    fc.nat(6).map((n) => ({ json: { value: "x".repeat(2 ** n * 1024 * 64) } }) as WebhookReply),
    fc.constant({ text: `{"value":${"[".repeat(50_000)}${"]".repeat(50_000)}}` } as WebhookReply),
    fc.integer({ min: 100, max: 599 }).map((status) => ({ status, text: "oops" }) as WebhookReply),
  );

  it("the client resolves with bytes or rejects with an Error; never hangs", async () => {
    const client = await webhookProvider.newClient(
      { url: `${hook.url}/v?k={{ .remoteRef.key }}`, result: { jsonPath: "$.value" }, timeout: "2s" } as never,
      {
        kube: new MemoryKubeAccess(),
        caches: new ClientCaches(),
        storeKind: "SecretStore",
        storeName: "fuzz",
        namespace: "ns",
      },
    );
    try {
      for (const r of fc.sample(body, 120)) {
        count("provider responses");
        reply = r;
        const outcome = await Promise.race([
          client.getSecret({ key: "k" }).then(
            (v) => ({ ok: Buffer.isBuffer(v) }),
            (e: unknown) => ({ ok: e instanceof Error && e.message.length > 0 && e.message.length < 4096 }),
          ),
          new Promise<{ ok: boolean; hung: true }>((res) => setTimeout(() => res({ ok: false, hung: true }), 10_000)),
        ]);
        assert.ok(outcome.ok, `bad outcome ${JSON.stringify(outcome)} for ${JSON.stringify(r).slice(0, 200)}`);
      }
    } finally {
      await client.close();
    }
  });

  it("decodingStrategy: valid base64 round-trips, anything else is a DecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string(), (bytes, junk) => {
        count("base64 values");
        const b = Buffer.from(bytes);
        assert.deepEqual(decodeValue("Base64", Buffer.from(b.toString("base64"))), b);
        assert.deepEqual(
          decodeValue(
            "Base64URL",
            Buffer.from(b.toString("base64url").padEnd(Math.ceil(b.toString("base64url").length / 4) * 4, "=")),
          ),
          b,
        );
        for (const strategy of ["Base64", "Base64URL", "Auto", "None"]) {
          try {
            assert.ok(Buffer.isBuffer(decodeValue(strategy, Buffer.from(`${junk}\u0000`))));
          } catch (err) {
            assert.ok(err instanceof DecodeError, String(err));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  describe("end to end through the controllers", () => {
    let c: Cluster;
    let ctl: Awaited<ReturnType<typeof runControllers>>;
    before(async () => {
      c = await startCluster();
      await createNamespace(c, "fuzz");
      await c.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "hook", namespace: "fuzz" },
        spec: {
          provider: { webhook: { url: `${hook.url}/e2e?k={{ .remoteRef.key }}`, result: { jsonPath: "$.value" } } },
        },
      });
      ctl = await runControllers(c, { concurrency: 4 });
    });
    after(async () => {
      await ctl.stop();
      await c.stop();
    });

    it("malformed responses end in Ready=False naming the data key, not a crash", async () => {
      const samples = fc.sample(body, 16);
      hook.routes.set(
        "/e2e",
        (req) => samples[Number(new URL(req.url, "http://x").searchParams.get("k"))] ?? { status: 404 },
      );
      for (const [i, s] of samples.entries()) {
        count("end-to-end responses");
        await c.client.create(
          EXTERNAL_SECRETS,
          externalSecret(`es-${i}`, "fuzz", {
            secretStoreRef: { name: "hook", kind: "SecretStore" },
            data: [{ secretKey: "value", remoteRef: { key: String(i), decodingStrategy: i % 2 ? "Base64" : "None" } }],
          }),
        );
        void s;
      }
      for (let i = 0; i < samples.length; i++) {
        const cond = await eventually(
          async () => {
            const r = readyOf(await c.client.get(EXTERNAL_SECRETS, "fuzz", `es-${i}`));
            return r?.status === "True" || r?.status === "False" ? r : undefined;
          },
          { timeoutMs: 30_000, what: `es-${i} decided` },
        );
        if (cond.status === "False") {
          assert.match(cond.message ?? "", /data\[0\]|key: \d+|value|data: Too long/, `es-${i}: ${cond.message}`);
          assert.ok((cond.message ?? "").length < 2_000, `es-${i}: message stays short`);
        }
      }
    });
  });
});
