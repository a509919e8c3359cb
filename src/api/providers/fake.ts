import { type Static, Type } from "@sinclair/typebox";
import { StringMap } from "../schema.js";

export const FakeProviderDataSchema = Type.Object({
  key: Type.String(),
  value: Type.String(),
  version: Type.Optional(Type.String()),
});
export type FakeProviderData = Static<typeof FakeProviderDataSchema>;

/** Static values, for tests and demos. validationResult: 0 Ready, 1 Unknown, 2 Error (as upstream). */
export const FakeProviderSchema = Type.Object({
  data: Type.Array(FakeProviderDataSchema),
  validationResult: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
});
export type FakeProvider = Static<typeof FakeProviderSchema>;

/** v1beta1 shape: valueMap (a map served as JSON) instead of validationResult. */
export const FakeProviderV1beta1Schema = Type.Object({
  data: Type.Array(
    Type.Object({
      key: Type.String(),
      value: Type.Optional(Type.String()),
      valueMap: Type.Optional(StringMap({ description: "Deprecated: use value with a JSON object." })),
      version: Type.Optional(Type.String()),
    }),
  ),
});
export type FakeProviderV1beta1 = Static<typeof FakeProviderV1beta1Schema>;
