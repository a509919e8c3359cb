export { newOnePasswordSDKProvider, onePasswordSDKProvider } from "./provider.js";
