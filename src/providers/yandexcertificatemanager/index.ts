export { yandexCertificateManagerProvider } from "./provider.js";
