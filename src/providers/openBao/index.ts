export { newOpenBaoProvider, openBaoProvider } from "./provider.js";
