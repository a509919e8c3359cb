/**
 * Template error redaction of transformed values: a secret value that went through upper, lower, b64enc, replace,
 * split or trim before reaching a failing function (fail, mustFromJson, mustToDate, mustRegexFind, ...) used to
 * show in the error text, which goes to the ExternalSecret's status, its Events and the operator's logs; cutting
 * out the value itself cannot catch its transformed forms. Errors raised inside a function whose arguments are
 * computed keep the function's name and Go's error kind, never the argument text.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EVENTS } from "../../src/kube/index.js";
import { createLogger } from "../../src/runtime/logger.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  readyCondition,
  useHarness,
} from "../support/world.js";

const NS = "redact-transformed";
const CANARY = "Vyx9-Qwerty-Plum-7k2Z";
const PARTS = CANARY.split("-");
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Every form of the canary the templates below compute, plus the base64 of each. */
const FORMS = (() => {
  const forms = new Set<string>();
  for (const s of [CANARY, ...PARTS]) {
    for (const t of [s, s.toUpperCase(), s.toLowerCase(), s.replaceAll("-", "_"), s.replaceAll("-", "(")]) {
      forms.add(t);
      forms.add(b64(t));
      forms.add(b64(b64(t)));
    }
  }
  return [...forms].filter((f) => f.length >= 4);
})();

/** Each template feeds a transformed canary to a function that fails and would print its argument. */
const CASES: { name: string; template: string; fn: string }[] = [
  { name: "upper-fail", template: "{{ .token | upper | fail }}", fn: "fail" },
  { name: "lower-fromjson", template: "{{ .token | lower | mustFromJson }}", fn: "mustFromJson" },
  { name: "b64-todate", template: '{{ .token | b64enc | mustToDate "2006-01-02" }}', fn: "mustToDate" },
  {
    name: "replace-regexp",
    template: '{{ mustRegexFind (.token | replace "-" "(") "x" }}',
    fn: "mustRegexFind",
  },
  { name: "split-todate", template: '{{ (split "-" .token)._1 | upper | mustToDate "2006" }}', fn: "mustToDate" },
  { name: "trim-printf-fail", template: '{{ .token | trim | printf "value %s is bad" | fail }}', fn: "fail" },
  { name: "double-b64-fromjson", template: "{{ .token | b64enc | b64enc | mustFromJson }}", fn: "mustFromJson" },
  { name: "splitlist-fail", template: '{{ splitList "-" .token | toString | lower | fail }}', fn: "fail" },
];

const logs: string[] = [];
const h = useHarness(
  { logger: createLogger({ level: "debug", destination: { write: (line: string) => logs.push(line) } }) },
  async (h) => {
    await createNamespace(h, NS);
    await createReadyStore(h, fakeStore("fake", NS, [{ key: "token", value: CANARY }]));
  },
);

async function failureMessage(name: string): Promise<string> {
  return eventually(
    async () => {
      const cond = await readyCondition(h, EXTERNAL_SECRETS, NS, name);
      const events = (await h.client.list(EVENTS, NS)).filter(
        (e: any) => e.involvedObject?.name === name && e.type === "Warning",
      );
      return cond?.status === "False" && events.length > 0 ? (cond.message ?? "") : undefined;
    },
    { timeoutMs: 20_000, what: `${name} failing with a Warning event` },
  );
}

function assertNoCanary(where: string, text: string): void {
  for (const form of FORMS) assert.ok(!text.includes(form), `${where} shows ${JSON.stringify(form)}: ${text}`);
}

describe("template errors on transformed secret values", () => {
  it("never show the value, raw, transformed or base64, in status, events or logs", async () => {
    for (const c of CASES) {
      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret(c.name, NS, {
          refreshInterval: "1h",
          secretStoreRef: { name: "fake" },
          data: [{ secretKey: "token", remoteRef: { key: "token" } }],
          target: { template: { data: { out: c.template } } },
        }),
      );
    }
    for (const c of CASES) {
      const message = await failureMessage(c.name);
      // The function and the template location are named; its argument text is not.
      assert.match(message, new RegExp(`template: out:1:\\d+: executing "out" at <.*>: error calling ${c.fn}: `));
      assert.match(message, /arguments withheld/);
      const es = await h.client.get(EXTERNAL_SECRETS, NS, c.name);
      assertNoCanary(`${c.name} status`, JSON.stringify(es.status));
    }
    const events = (await h.client.list(EVENTS, NS)).map((e: any) => `${e.reason}: ${e.message}`);
    assert.ok(events.length >= CASES.length, "every failure has an Event");
    assertNoCanary("events", events.join("\n"));
    assert.ok(
      logs.some((l) => l.includes("sync failed")),
      "the failures are logged",
    );
    assertNoCanary("logs", logs.join(""));
  });

  it("keeps Go's error kind, and the full text of a function whose arguments are written in the template", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("kinds", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "token", remoteRef: { key: "token" } }],
        target: { template: { data: { out: '{{ .token | upper | mustToDate "2006-01-02" }}' } } },
      }),
    );
    assert.match(await failureMessage("kinds"), /error calling mustToDate: parsing time: cannot parse \[arguments/);
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("literal-fail", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake" },
        data: [{ secretKey: "token", remoteRef: { key: "token" } }],
        target: { template: { data: { out: '{{ fail "the token key must be set" }}' } } },
      }),
    );
    assert.match(await failureMessage("literal-fail"), /error calling fail: the token key must be set$/);
  });
});
