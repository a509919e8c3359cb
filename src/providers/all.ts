// Importing this module registers every built-in provider with the registry.
// Each provider folder's index.ts calls registerProvider(); add one import line per provider.
import "./aws/index.js";
import "./akeyless/index.js";
import "./azurekv/index.js";
import "./doppler/index.js";
import "./fake/index.js";
import "./gcpsm/index.js";
import "./gitlab/index.js";
import "./kubernetes/index.js";
import "./onepassword/index.js";
import "./vault/index.js";
import "./webhook/index.js";

export { getProvider, registeredProviders, resolveProvider } from "./registry.js";
