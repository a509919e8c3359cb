export { githubProvider } from "./provider.js";
