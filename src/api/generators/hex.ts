/** Hex (generators.external-secrets.io/v1alpha1): a random hexadecimal string. */
import { type Static, Type } from "@sinclair/typebox";

export const HexSpecSchema = Type.Object({
  // length and uppercase are required as upstream; their defaults fill them in when omitted.
  length: Type.Integer({ default: 16, description: "Number of hex characters to generate." }),
  uppercase: Type.Boolean({ default: false, description: "Use A-F instead of a-f." }),
  prefix: Type.Optional(Type.String({ description: 'Prepended to the generated string (e.g. "0x").' })),
});
export type HexSpec = Static<typeof HexSpecSchema>;
