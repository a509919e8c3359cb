/** The template engine as the ExternalSecret controller sees it (src/template's renderESO fits). */
export type RenderTemplate = (name: string, text: string, data: Record<string, string>) => string;
