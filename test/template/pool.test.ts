/**
 * The template worker pool: renders as renderESO does, in worker threads; a render past its deadline has its
 * worker terminated and replaced, a worker out of memory fails only its own render, and renders run side by side.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { renderESO, TemplateError, TemplateLimitError } from "../../src/template/index.js";
import { TemplatePool } from "../../src/template/pool/index.js";

const pools: TemplatePool[] = [];
function pool(opts: ConstructorParameters<typeof TemplatePool>[0] = {}): TemplatePool {
  const p = new TemplatePool(opts);
  pools.push(p);
  return p;
}

after(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** What renderESO gives in-process: the output, or the error's class, message and safe message. */
function inProcess(text: string, data: Record<string, string>): unknown {
  try {
    return renderESO("t", text, data);
  } catch (e) {
    const err = e as TemplateError;
    return { error: err.name, message: err.message, safe: err.safeMessage };
  }
}

async function pooled(p: TemplatePool, text: string, data: Record<string, string>): Promise<unknown> {
  try {
    return await p.render("t", text, data);
  } catch (e) {
    const err = e as TemplateError;
    return { error: err.name, message: err.message, safe: err.safeMessage };
  }
}

const CASES: [string, Record<string, string>][] = [
  ["{{ .user }}:{{ .password | b64enc }}", { user: "u", password: "p@ss" }],
  ['{{ .json | fromJson | toJson }} {{ dict "a" 1 | keys | join "," }}', { json: '{"b":[1,2],"a":null}' }],
  ["{{ .missing }}", { present: "x" }],
  ["{{ .password | upper | fail }}", { password: "hunter2-value" }],
  ['{{ .password | mustToDate "2006" }}', { password: "hunter2-value" }],
  ['{{ range $i, $c := until 3 }}{{ $i }}{{ end }}{{ printf "%q" .s }}', { s: "é\n" }],
];

describe("template pool", () => {
  it("renders exactly what in-process rendering gives, errors and their safe messages included", async () => {
    const p = pool();
    for (const [text, data] of CASES) assert.deepEqual(await pooled(p, text, data), inProcess(text, data), text);
  });

  it("runs renders side by side: many at once all come back right", async () => {
    const p = pool({ size: 2 });
    const jobs = Array.from({ length: 40 }, (_, i) => CASES[i % CASES.length]!);
    const got = await Promise.all(jobs.map(([text, data]) => pooled(p, text, data)));
    for (const [i, g] of got.entries()) assert.deepEqual(g, inProcess(jobs[i]![0], jobs[i]![1]));
    assert.ok(p.workers <= 2, `${p.workers} workers for a pool of 2`);
  });

  it("stops a loop at the deadline with a located error, keeping the worker", async () => {
    const p = pool({ size: 1, timeoutMs: 300 });
    await p.render("t", "warm", {});
    const t0 = performance.now();
    await assert.rejects(p.render("t", '{{ range until 100000 }}{{ bcrypt "x" }}{{ end }}', {}), (e: unknown) => {
      assert.ok(e instanceof TemplateLimitError);
      assert.equal(e.limit, "timeout");
      assert.match(e.message, /^template: t:1:\d+: executing "t" at <bcrypt "x">: template timed out after 300ms$/);
      return true;
    });
    assert.ok(performance.now() - t0 < 3_000, "the deadline was kept");
    assert.equal(await p.render("t", "{{ 1 }}", {}), "1");
  });

  it("terminates and replaces a worker stuck in one long function call", async () => {
    const p = pool({ size: 1, timeoutMs: 100 });
    await p.render("t", "warm", {});
    const spawned = p.spawned;
    const t0 = performance.now();
    await assert.rejects(
      p.render("key", '{{ range until 100 }}{{ genPrivateKey "rsa" }}{{ end }}', {}),
      (e: unknown) => {
        assert.ok(e instanceof TemplateLimitError);
        assert.equal(e.limit, "timeout");
        assert.equal(e.message, "template: key: template timed out after 100ms");
        return true;
      },
    );
    assert.ok(performance.now() - t0 < 2_000, `rejected after ${Math.round(performance.now() - t0)} ms`);
    assert.equal(await p.render("t", "{{ 2 }}", {}), "2", "a new worker renders the next template");
    assert.equal(p.spawned, spawned + 1, "the stuck worker was replaced");
  });

  it("a worker that runs out of heap fails only its own render", async () => {
    // No byte budget here, so the worker's V8 heap limit is what stops the bomb.
    const p = pool({ size: 2, memoryLimitBytes: 0, heapLimitMb: 64, timeoutMs: 30_000 });
    await Promise.all([p.render("t", "warm", {}), p.render("t", "warm", {})]);
    const bomb = "{{ $x := list }}{{ range until 100 }}{{ $x = append $x (randAlpha 4000000) }}{{ end }}{{ len $x }}";
    const [boom, fine] = await Promise.allSettled([
      p.render("t", bomb, {}),
      (async () => {
        const outs: string[] = [];
        for (let i = 0; i < 5; i++) outs.push(await p.render("t", "{{ .v | upper }}", { v: `ok${i}` }));
        return outs;
      })(),
    ]);
    assert.equal(boom.status, "rejected");
    const err = (boom as PromiseRejectedResult).reason;
    assert.ok(err instanceof TemplateLimitError, String(err));
    assert.equal(err.limit, "memory");
    assert.match(err.message, /template exceeded its memory limit of 64 MiB/);
    assert.deepEqual((fine as PromiseFulfilledResult<string[]>).value, ["OK0", "OK1", "OK2", "OK3", "OK4"]);
    assert.equal(await p.render("t", "{{ 3 }}", {}), "3", "the pool goes on");
  });

  it("counts bytes, not elements: appending large strings stops at the memory budget", async () => {
    const p = pool({ size: 1, memoryLimitBytes: 16 * 1024 * 1024 });
    const bomb = "{{ $x := list }}{{ range until 60 }}{{ $x = append $x (randAlpha 1000000) }}{{ end }}{{ len $x }}";
    await assert.rejects(p.render("t", bomb, {}), (e: unknown) => {
      assert.ok(e instanceof TemplateLimitError);
      assert.equal(e.limit, "memory");
      assert.match(
        e.message,
        /^template: t:1:\d+: executing "t" at <.*>: template exceeded its memory limit of 16 MiB$/,
      );
      return true;
    });
    // The same amount of data handed in by the provider is not the template's allocation.
    const data = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "b".repeat(1_000_000)]));
    assert.equal(await p.render("t", "{{ len . }} {{ len .k0 }}", data), "20 1000000");
  });

  it("a closed pool rejects renders", async () => {
    const p = pool();
    await p.close();
    await assert.rejects(p.render("t", "x", {}), TemplateError);
  });
});
