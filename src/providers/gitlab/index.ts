export { gitlabProvider } from "./provider.js";
