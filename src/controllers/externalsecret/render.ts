/**
 * The template engine as the ExternalSecret and PushSecret controllers see it: the controller renders in a
 * worker pool with a deadline and a memory budget (src/template/pool); renderESO fits for in-process use.
 */
export type RenderTemplate = (name: string, text: string, data: Record<string, string>) => Promise<string> | string;
