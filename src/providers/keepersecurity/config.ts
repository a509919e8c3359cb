/**
 * The KSM client configuration a store's authRef Secret holds (JSON, or base64 of it, as `ksm` writes it). Only
 * a bound configuration is accepted: binding a one-time token needs a writable store the Secret is not.
 */
import type { KeyObject } from "node:crypto";
import { StoreConfigError } from "../errors.js";
import { fromBase64, loadPrivateKey } from "./crypto.js";

export interface KsmConfig {
  hostname: string;
  clientId: string;
  privateKey: KeyObject;
  appKey: Buffer;
  /** The application owner's public key (65-byte point): records created by push are wrapped for it. */
  appOwnerPublicKey?: Buffer;
  serverPublicKeyId: number;
  /** A server key given in the config (IL5 and private deployments) instead of Keeper's published ones. */
  serverPublicKey?: Buffer;
}

const FIELD = "spec.provider.keepersecurity.authRef";

export function parseKsmConfig(raw: Buffer): KsmConfig {
  const text = raw.toString("utf8").trim();
  let json: Record<string, unknown> | undefined = tryJson(text);
  if (!json) {
    const decoded = Buffer.from(text, "base64").toString("utf8").trim();
    json = tryJson(decoded);
  }
  if (!json) throw new StoreConfigError(`${FIELD}: the Secret value is not a KSM configuration (JSON or base64 JSON)`);
  const str = (k: string): string | undefined =>
    typeof json[k] === "string" && json[k] ? (json[k] as string) : undefined;
  for (const k of ["hostname", "clientId", "privateKey"]) {
    if (!str(k)) throw new StoreConfigError(`${FIELD}: the KSM configuration has no ${k}`);
  }
  if (!str("appKey")) {
    throw new StoreConfigError(
      `${FIELD}: the KSM configuration has no appKey: initialize it from the one-time token first (e.g. ksm profile init)`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = loadPrivateKey(fromBase64(str("privateKey")!));
  } catch {
    throw new StoreConfigError(`${FIELD}: the KSM configuration's privateKey is not a PKCS#8 EC key`);
  }
  const appKey = fromBase64(str("appKey")!);
  if (appKey.length !== 32) throw new StoreConfigError(`${FIELD}: the KSM configuration's appKey is not 32 bytes`);
  const keyId = Number(json.serverPublicKeyId ?? 7);
  if (!Number.isInteger(keyId) || keyId < 0) {
    throw new StoreConfigError(`${FIELD}: the KSM configuration's serverPublicKeyId is not a number`);
  }
  return {
    hostname: str("hostname")!,
    clientId: str("clientId")!,
    privateKey,
    appKey,
    appOwnerPublicKey: str("appOwnerPublicKey") ? fromBase64(str("appOwnerPublicKey")!) : undefined,
    serverPublicKeyId: keyId,
    serverPublicKey: str("serverPublicKey") ? fromBase64(str("serverPublicKey")!) : undefined,
  };
}

function tryJson(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Keeper's published transmission keys by id (the SDKs' table): public keys, 65-byte P-256 points. */
export const KEEPER_SERVER_PUBLIC_KEYS: Readonly<Record<number, string>> = Object.freeze({
  7: "BK9w6TZFxE6nFNbMfIpULCup2a8xc6w2tUTABjxny7yFmxW0dAEojwC6j6zb5nTlmb1dAx8nwo3qF7RPYGmloRM",
  8: "BKnhy0obglZJK-igwthNLdknoSXRrGB-mvFRzyb_L-DKKefWjYdFD2888qN1ROczz4n3keYSfKz9Koj90Z6w_tQ",
  9: "BAsPQdCpLIGXdWNLdAwx-3J5lNqUtKbaOMV56hUj8VzxE2USLHuHHuKDeno0ymJt-acxWV1xPlBfNUShhRTR77g",
  10: "BNYIh_Sv03nRZUUJveE8d2mxKLIDXv654UbshaItHrCJhd6cT7pdZ_XwbdyxAOCWMkBb9AZ4t1XRCsM8-wkEBRg",
  11: "BA6uNfeYSvqagwu4TOY6wFK4JyU5C200vJna0lH4PJ-SzGVXej8l9dElyQ58_ljfPs5Rq6zVVXpdDe8A7Y3WRhk",
  12: "BMjTIlXfohI8TDymsHxo0DqYysCy7yZGJ80WhgOBR4QUd6LBDA6-_318a-jCGW96zxXKMm8clDTKpE8w75KG-FY",
  13: "BJBDU1P1H21IwIdT2brKkPqbQR0Zl0TIHf7Bz_OO9jaNgIwydMkxt4GpBmkYoprZ_DHUGOrno2faB7pmTR7HhuI",
  14: "BJFF8j-dH7pDEw_U347w2CBM6xYM8Dk5fPPAktjib-opOqzvvbsER-WDHM4ONCSBf9O_obAHzCyygxmtpktDuiE",
  15: "BDKyWBvLbyZ-jMueORl3JwJnnEpCiZdN7yUvT0vOyjwpPBCDf6zfL4RWzvSkhAAFnwOni_1tQSl8dfXHbXqXsQ8",
  16: "BDXyZZnrl0tc2jdC5I61JjwkjK2kr7uet9tZjt8StTiJTAQQmnVOYBgbtP08PWDbecxnHghx3kJ8QXq1XE68y8c",
  17: "BFX68cb97m9_sweGdOVavFM3j5ot6gveg6xT4BtGahfGhKib-zdZyO9pwvv1cBda9ahkSzo1BQ4NVXp9qRyqVGU",
  18: "BNhngQqTT1bPKxGuB6FhbPTAeNVFl8PKGGSGo5W06xWIReutm6ix6JPivqnbvkydY-1uDQTr-5e6t70G01Bb5JA",
});
