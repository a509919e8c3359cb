/**
 * Step 5 of a sync: target.template over the transformed data (templateFrom ConfigMaps and Secrets read from the
 * ExternalSecret's namespace). A template stopped at its deadline or memory budget is retried with the
 * controller's backoff; any other template error waits for the user to fix it.
 */
import type { ExternalSecret } from "../../../api/externalsecret.js";
import {
  applyTemplate,
  isTemplateLimitError,
  type RenderTemplate,
  type TemplateOutput,
  type TemplateSources,
} from "../../common/secret-template.js";
import { SyncFailure } from "./failure.js";
import { manifestOf } from "./generic-target.js";

export async function renderTarget(
  es: ExternalSecret,
  data: Record<string, Buffer>,
  sources: TemplateSources,
  render: RenderTemplate,
): Promise<TemplateOutput> {
  try {
    return await applyTemplate(es.spec.target?.template, data, es.metadata ?? {}, sources, render, {
      genericTarget: !!manifestOf(es),
    });
  } catch (err) {
    throw new SyncFailure("could not apply template", err as Error, isTemplateLimitError(err));
  }
}
