/** A go-yaml failure: its message is the whole text ("yaml: ..."), as error.Error() gives it. */
export class GoYamlError extends Error {}

/** go-yaml's failf: fails with "yaml: " and the message. */
export function failf(message: string): never {
  throw new GoYamlError(`yaml: ${message}`);
}
