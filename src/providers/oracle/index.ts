export { ORACLE_ENDPOINT_ENV, oracleProvider } from "./provider.js";
