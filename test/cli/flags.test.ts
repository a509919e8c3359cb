import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FlagError, type FlagSpec, parseFlags } from "../../src/cli/flags.js";
import { Interrupted, StopRequest, untilSignal } from "../../src/cli/stop.js";
import { eso } from "./cli-runner.js";

const specs: Record<string, FlagSpec> = {
  filename: { type: "string", default: "", help: "", alias: "f" },
  output: { type: "string", default: "yaml", help: "", alias: "o", choices: ["yaml", "json"] },
  port: { type: "int", default: "0", help: "", max: 65535 },
  timeout: { type: "int", default: "60", help: "", min: 1 },
  once: { type: "bool", default: "false", help: "" },
};

describe("flag parsing shared by every eso command", () => {
  test("repeatable flags keep every value in order, in every spelling", () => {
    const v = parseFlags(["-f", "a.yaml", "--filename=b/", "-fc.yaml", "--filename", "-", "-f=d.yaml"], specs);
    assert.deepEqual(v.all("filename"), ["a.yaml", "b/", "c.yaml", "-", "d.yaml"]);
    assert.equal(v.get("filename"), "d.yaml", "get is the last value, as Go's flag package");
    assert.deepEqual(v.all("once"), [], "nothing given");
    assert.equal(v.get("output"), "yaml", "defaults filled in");
  });

  test("short and long spellings of one flag, Go-style booleans", () => {
    for (const argv of [["-o", "json"], ["-ojson"], ["-o=json"], ["--output", "json"], ["-output=json"]]) {
      assert.equal(parseFlags(argv, specs).get("output"), "json", argv.join(" "));
    }
    assert.equal(parseFlags(["--once"], specs).get("once"), "true");
    assert.equal(parseFlags(["-once=F"], specs).get("once"), "false");
  });

  test("errors name the flag as it was typed", () => {
    const cases: [string[], RegExp][] = [
      [["--bogus"], /^unknown flag --bogus$/],
      [["-x"], /^unknown flag -x$/],
      [["stray"], /^unexpected argument "stray"$/],
      [["-f"], /^flag -f: needs a value$/],
      [["-o", "xml"], /^flag -o: want yaml or json, got "xml"$/],
      [["--port=70000"], /^flag --port: want an integer from 0 to 65535, got "70000"$/],
      [["--timeout", "0"], /^flag --timeout: want an integer >= 1, got "0"$/],
      [["--once=maybe"], /^flag --once: want true or false, got "maybe"$/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseFlags(argv, specs),
        (err: Error) => err instanceof FlagError && message.test(err.message),
      );
    }
  });
});

describe("every eso command reports usage errors the same way", () => {
  const commands = ["controller", "webhook", "certcontroller", "apiserver", "dev", "render", "validate", "template"];
  for (const command of commands) {
    test(`eso ${command} --bogus exits 2 naming the flag`, () => {
      const r = eso(command, "--bogus");
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `eso ${command}: unknown flag --bogus\n\nRun 'eso ${command} --help' for usage.\n`);
      assert.equal(r.stdout, "");
    });
  }

  test("a flag without its value, and a value outside its choices", () => {
    assert.match(eso("render", "-f").stderr, /^eso render: flag -f: needs a value\n/);
    assert.match(eso("dev", "--timeout").stderr, /^eso dev: flag --timeout: needs a value\n/);
    assert.match(eso("validate", "--filename").stderr, /^eso validate: flag --filename: needs a value\n/);
    const r = eso("render", "-f", "examples/externalsecrets/data.yaml", "-o", "xml");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^eso render: flag -o: want yaml or json, got "xml"\n/);
    assert.match(eso("dev", "--log-level", "loud").stderr, /flag --log-level: want debug, info, warn or error/);
  });
});

describe("stop requests", () => {
  test("untilSignal resolves with the signal and stops listening", async () => {
    const before = process.listenerCount("SIGTERM");
    const waiting = untilSignal();
    assert.equal(process.listenerCount("SIGTERM"), before + 1);
    process.emit("SIGTERM", "SIGTERM");
    assert.equal(await waiting, "SIGTERM");
    assert.equal(process.listenerCount("SIGTERM"), before);
  });

  test("a request of the command's own (dev's q key) ends a long wait early; only the first reason counts", async () => {
    const before = process.listenerCount("SIGINT");
    const stop = new StopRequest();
    assert.equal(process.listenerCount("SIGINT"), before + 1);
    try {
      const never = new Promise<never>(() => {});
      const waiting = stop.race(never);
      stop.request("q");
      process.emit("SIGINT", "SIGINT");
      await assert.rejects(waiting, (err: Error) => err instanceof Interrupted && err.message === "q");
      assert.equal(await stop.reason, "q");
    } finally {
      stop.close();
    }
    assert.equal(process.listenerCount("SIGINT"), before);
  });
});
