export { passboltProvider } from "./provider.js";
