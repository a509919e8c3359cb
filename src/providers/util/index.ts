export { type FindMatcher, matchTags, newFindMatcher } from "./find.js";
export { escapeGjsonKey, gjsonGet, globMatch } from "./gjson-path.js";
export { compileGoRegexp, GoRegexpError, goRegexpMatch } from "./go-regexp.js";
export { getJsonProperty, type SelectPropertyOptions, selectProperty } from "./json-property.js";
export { formatFloatF, type JsonValue, jsonValueString, parseJson } from "./json-value.js";
export { jsonToSecretMap, requireSecretMap, SecretMapError } from "./secret-map.js";
