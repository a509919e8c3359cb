/** The kubernetes kit: a store's connection to an API server (server/auth/authRef), for providers that reach clusters. */
export { type StoreConnectionSpec, storeConnection, tenantClient } from "./connection.js";
