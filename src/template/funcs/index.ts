/** The template function library: Sprig v3 (minus env, expandenv, getHostByName) plus ESO's functions. */
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";
import { certFuncs } from "./certs.js";
import { cryptoFuncs } from "./crypto.js";
import { dateFuncs } from "./dates.js";
import { defaultsFuncs } from "./defaults.js";
import { dictFuncs } from "./dicts.js";
import { encodingFuncs } from "./encoding.js";
import { esoFuncs } from "./eso.js";
import { listFuncs } from "./lists.js";
import { mathFuncs } from "./math.js";
import { pathFuncs } from "./paths.js";
import { reflectFuncs } from "./reflect.js";
import { regexFuncs } from "./regex.js";
import { semverFuncs } from "./semver.js";
import { stringFuncs } from "./strings.js";
// registers the methods of time.Time, time.Duration, time.Month and time.Weekday
import "./time-methods.js";
import { urlFuncs } from "./urls.js";

export { bytesToGoString, goStringToBytes } from "./bytes.js";
export { SprigCertificate } from "./certs.js";
export { esoFuncs } from "./eso.js";
export { SemverVersion } from "./semver.js";

/** Sprig's function map, without the functions that disclose the environment or resolve hosts. */
export function sprigFuncs(): FuncMap {
  return {
    ...dateFuncs(),
    ...stringFuncs(),
    ...mathFuncs(),
    ...defaultsFuncs(),
    ...reflectFuncs(),
    ...pathFuncs(),
    ...encodingFuncs(),
    ...dictFuncs(),
    ...listFuncs(),
    ...cryptoFuncs(),
    ...certFuncs(),
    ...semverFuncs(),
    ...regexFuncs(),
    ...urlFuncs(),
    uuidv4: cryptoFuncs().uuidv4!,
    fail: goFunc("func(string) (string, error)", (msg: string) => {
      throw new Error(msg);
    }),
  };
}

let cached: Readonly<FuncMap> | undefined;

/** Every function available to ESO templates, built once. */
export function defaultFuncs(): Readonly<FuncMap> {
  if (!cached) cached = Object.freeze({ ...sprigFuncs(), ...esoFuncs() });
  return cached;
}
