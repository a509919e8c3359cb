import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { connect } from "node:tls";
import { issueCertBundle } from "../../src/util/serving-certs.js";
import { freePort, httpStatus } from "../support/net.js";
import { eventually } from "../support/poll.js";
import { RunningEso } from "./cli-runner.js";

const dir = mkdtempSync(join(tmpdir(), "eso-webhook-ready-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** SHA-256 fingerprint of the certificate the server presents (not verified: only which one it is). */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.on("error", () => resolve(""));
  });
}

test("eso webhook readiness follows the served certificate: expiring or wrong name is not ready, a rotated one is", async () => {
  const name = "eso-webhook.external-secrets.svc";
  const write = (bundle: { cert: string; key: string }) => {
    writeFileSync(join(dir, "tls.key"), bundle.key);
    writeFileSync(join(dir, "tls.crt"), bundle.cert);
  };
  write(issueCertBundle([name], 1)); // expires inside the 48h lookahead
  const [port, health] = [await freePort(), await freePort()];
  const webhook = new RunningEso([
    "webhook",
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--cert-dir=${dir}`,
    `--dns-name=${name}`,
    "--lookahead-interval=48h",
    `--healthz-addr=127.0.0.1:${health}`,
    "--metrics-addr=0",
    "--loglevel=error",
  ]);
  const readyz = () => httpStatus(`http://127.0.0.1:${health}/readyz`);
  try {
    await webhook.waitFor(/eso webhook listening on/);
    assert.equal(await httpStatus(`http://127.0.0.1:${health}/healthz`), 200);
    assert.notEqual(await readyz(), 200, "a certificate expiring within the lookahead is not ready");

    const other = issueCertBundle(["other.example.com"], 30);
    write(other);
    const otherFingerprint = new X509Certificate(other.cert).fingerprint256;
    await eventually(async () => (await servedFingerprint(port)) === otherFingerprint, {
      what: "the other certificate served",
    });
    assert.notEqual(await readyz(), 200, "a certificate for another name is not ready");

    write(issueCertBundle([name], 30));
    await eventually(async () => (await readyz()) === 200, { what: "ready after rotation" });
  } finally {
    assert.equal(await webhook.stop("SIGTERM"), 0, webhook.stderr);
  }
});
