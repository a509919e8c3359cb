/**
 * What a JSON.parse failure may show: only its position, as " (error at position N)" (empty when the message has
 * none). The engine's message can quote the input, and the input may be secret data.
 */
export function jsonErrorPosition(err: unknown): string {
  const at = /position (\d+)/.exec(err instanceof Error ? err.message : "")?.[1];
  return at ? ` (error at position ${at})` : "";
}
