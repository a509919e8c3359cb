// Importing this module registers every built-in generator kind.
import "./fake/index.js";
import "./password/index.js";
import "./sshkey/index.js";
import "./uuid/index.js";

export { getGenerator, registeredGenerators, resolveGenerator } from "./registry.js";
