// Importing this module registers every built-in generator kind.
import "./ecr/index.js";
import "./fake/index.js";
import "./password/index.js";
import "./sshkey/index.js";
import "./uuid/index.js";
import "./vault/index.js";
import "./webhook/index.js";

export { getGenerator, registeredGenerators, resolveGenerator } from "./registry.js";
