import type { Services } from '../../services.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { readStateDataFields, signStateData, stateDataScope, type ObtainedStateData } from './obtained.ts';
import type { StateDataFormState } from './views.ts';

/** The path the « Récupérer… » buttons post the form to (routes.ts). */
export function stateDataPath(slug: string): string {
  return `/demarches/${slug}/demande/donnees`;
}

/** What a démarche's online form needs to offer the State's data, with what it already holds. */
export function stateDataFormState(
  services: Services,
  ctx: PageContext,
  slug: string,
  obtained: ObtainedStateData[],
): StateDataFormState {
  const scope = stateDataScope(ctx.tenant.id, slug);
  return {
    action: url(ctx, stateDataPath(slug)),
    obtained,
    sign: (d) => signStateData(services.config.sessionSecret, scope, d),
  };
}

/** The State's data a posted form carries, each signature, démarche and age checked. */
export function submittedStateData(
  services: Services,
  tenantId: string,
  slug: string,
  fields: Record<string, string | string[]>,
): ObtainedStateData[] {
  return readStateDataFields(
    services.config.sessionSecret,
    stateDataScope(tenantId, slug),
    fields,
    services.clock.now(),
  );
}
