export { yandexLockboxProvider } from "./provider.js";
