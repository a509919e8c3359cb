import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/kubectl.js";

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions in order, with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = "";
    const m = /^(\w+)\s+(.*)$/.exec(full);
    if (m) out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

/** The final stage's base image (global ARG defaults substituted) and its instructions. */
function finalStage(text: string): { base: string; body: Instruction[] } {
  const all = instructions(text);
  const args = new Map<string, string>();
  let lastFrom = -1;
  for (const [i, ins] of all.entries()) {
    if (ins.op === "FROM") lastFrom = i;
    else if (ins.op === "ARG" && lastFrom === -1) {
      const [name = "", value = ""] = ins.args.split("=", 2);
      args.set(name, value);
    }
  }
  assert.ok(lastFrom >= 0, "the Dockerfile has a FROM");
  const image = all[lastFrom]!.args.split(/\s+/)[0]!;
  const base = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? "");
  return { base, body: all.slice(lastFrom + 1) };
}

const dockerfile = readFileSync(join(repoRoot(), "Dockerfile"), "utf8");

test("the image's final stage is a distroless Node.js base pinned by digest", () => {
  const { base } = finalStage(dockerfile);
  assert.match(base, /^[^\s@]+@sha256:[0-9a-f]{64}$/, `base "${base}" is pinned by digest`);
  assert.match(base, /^gcr\.io\/distroless\/nodejs(2[2-9]|[3-9]\d)-/, "a distroless Node.js >= 22 image");
});

test("the final stage runs nothing at build time and needs no shell to start", () => {
  const { body } = finalStage(dockerfile);
  assert.deepEqual(
    body.filter((i) => i.op === "RUN"),
    [],
    "no RUN: a shell-less image has nothing to run it with",
  );
  for (const op of ["ENTRYPOINT", "CMD"]) {
    const ins = body.filter((i) => i.op === op).at(-1);
    assert.ok(ins, `${op} is set`);
    assert.ok(Array.isArray(JSON.parse(ins.args)), `${op} uses the exec (JSON) form, not a shell form`);
  }
  const entrypoint = JSON.parse(body.filter((i) => i.op === "ENTRYPOINT").at(-1)!.args) as string[];
  assert.equal(entrypoint[0], "/nodejs/bin/node", "distroless's node binary, by absolute path");
});

test("the final stage runs as a numeric non-root user", () => {
  const { body } = finalStage(dockerfile);
  const user = body.filter((i) => i.op === "USER").at(-1);
  assert.ok(user, "USER is set in the final stage");
  const m = /^(\d+)(?::(\d+))?$/.exec(user.args);
  assert.ok(m, `USER "${user.args}" is numeric, so runAsNonRoot can verify it`);
  assert.notEqual(Number(m[1]), 0);
  if (m[2] !== undefined) assert.notEqual(Number(m[2]), 0);
});

test("engines.node asks for a Node.js line the AWS SDK supports after January 2027", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8"));
  const min = /^>=\s*(\d+)/.exec(pkg.engines.node);
  assert.ok(min, `engines.node "${pkg.engines.node}" has a lower bound`);
  assert.ok(Number(min[1]) >= 22, "Node >= 22");
  const buildImage = /^ARG NODE_IMAGE=node:(\d+)\./m.exec(dockerfile);
  assert.ok(buildImage && Number(buildImage[1]) >= 22, "the build stages use Node >= 22 too");
});
