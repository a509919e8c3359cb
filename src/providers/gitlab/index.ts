import { registerProvider } from "../registry.js";
import { gitlabProvider } from "./provider.js";

registerProvider(gitlabProvider);

export { gitlabProvider };
