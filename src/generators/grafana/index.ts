export { grafanaGenerator } from "./generator.js";
