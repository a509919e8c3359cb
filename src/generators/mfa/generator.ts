/**
 * MFA: the current TOTP code (RFC 6238) for a base32 seed kept in a Secret of the requesting namespace, as
 * upstream. Values: token and timeLeft (seconds the code stays valid). spec.when pins the time; otherwise the
 * generator's clock says it.
 */
import type { MFASpec } from "../../api/generators/mfa.js";
import { resolveSecretKey } from "../../providers/resolvers.js";
import { type Clock, realClock } from "../../runtime/clock.js";
import { type Generator, GeneratorError } from "../generator.js";
import { decodeBase32Seed, SeedFormatError, TOTP_ALGORITHMS, totp } from "./totp.js";

const DEFAULTS = { length: 6, period: 30, algorithm: "sha1" };
/** Past 10 digits a code is only zero padding; this bounds what a spec can make us allocate. */
const MAX_LENGTH = 64;

function unixSeconds(spec: MFASpec, clock: Pick<Clock, "now">): number {
  if (!spec.when) return Math.floor(clock.now() / 1000);
  const ms = Date.parse(spec.when);
  if (Number.isNaN(ms) || ms < 0) {
    throw new GeneratorError(`spec.when: must be an RFC 3339 time after 1970-01-01, got ${JSON.stringify(spec.when)}`);
  }
  return Math.floor(ms / 1000);
}

function options(spec: MFASpec) {
  // As upstream, zero or negative length/timePeriod mean the default.
  const length = spec.length && spec.length > 0 ? spec.length : DEFAULTS.length;
  if (length > MAX_LENGTH) throw new GeneratorError(`spec.length: must be at most ${MAX_LENGTH}, got ${length}`);
  const period = spec.timePeriod && spec.timePeriod > 0 ? spec.timePeriod : DEFAULTS.period;
  const algorithm = (spec.algorithm || DEFAULTS.algorithm).toLowerCase();
  if (!TOTP_ALGORITHMS[algorithm]) {
    throw new GeneratorError(
      `spec.algorithm: must be one of ${Object.keys(TOTP_ALGORITHMS).join(", ")}, got ${JSON.stringify(spec.algorithm)}`,
    );
  }
  return { length, period, algorithm };
}

/** The generator on the given clock (tests pass a fake one). */
export function newMfaGenerator(clock: Pick<Clock, "now"> = realClock): Generator<MFASpec> {
  return {
    kind: "MFA",
    clusterSpecKey: "mfaSpec",
    async generate(spec, ctx) {
      if (!spec?.secret) throw new GeneratorError("spec.secret: is required");
      const opts = options(spec);
      const at = unixSeconds(spec, clock);
      const seed = await resolveSecretKey(
        { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
        spec.secret,
        "spec.secret",
      );
      let key: Buffer;
      try {
        key = decodeBase32Seed(seed.toString("utf8"));
      } catch (err) {
        if (err instanceof SeedFormatError) {
          throw new GeneratorError(`spec.secret: key "${spec.secret.key}" is not a usable TOTP seed: ${err.message}`);
        }
        throw err;
      }
      const { token, timeLeft } = totp(key, at, opts);
      return { data: { token: Buffer.from(token), timeLeft: Buffer.from(String(timeLeft)) } };
    },
  };
}

export const mfaGenerator = newMfaGenerator();
