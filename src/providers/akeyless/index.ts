import { registerProvider } from "../registry.js";
import { akeylessProvider } from "./provider.js";

registerProvider(akeylessProvider);

export { akeylessProvider };
