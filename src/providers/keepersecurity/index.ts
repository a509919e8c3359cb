export { keeperSecurityProvider } from "./provider.js";
