import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';

export const ASSISTANT_SETTINGS_PAGE = '/agent/admin/assistant';

/**
 * The administrators' page of the assistant: which mode answers (local, or a language model with
 * its name and host), and whether personal data may reach that model.
 */
export function assistantSettingsPage(
  ctx: PageContext,
  input: { model: { name: string; host: string } | null; personalData: boolean; notice?: string },
): SafeHtml {
  return layout(ctx, {
    title: 'Assistant',
    area: 'agent',
    ...(input.notice ? { notice: input.notice } : {}),
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Assistant' }],
    main: html`${adminNav(ctx, ASSISTANT_SETTINGS_PAGE)}
      <h1>Assistant</h1>
      ${
        input.model
          ? html`<p>
              L’assistant fait rédiger ses réponses par le modèle <strong>${input.model.name}</strong> (${input.model.host}), à
              partir des pages de la mairie. Si le modèle ne répond pas à temps, l’assistant répond seul, avec des phrases
              des pages.
            </p>`
          : html`<p>
              L’assistant répond seul, avec des phrases des pages de la mairie. Aucun service extérieur n’est utilisé.
            </p>`
      }
      <form method="post" action="${url(ctx, ASSISTANT_SETTINGS_PAGE)}">
        ${csrfField(ctx)}
        <div class="field">
          <div class="choice">
            <input
              type="checkbox"
              id="donnees_personnelles"
              name="donnees_personnelles"
              value="oui"
              aria-describedby="donnees_personnelles-hint"
              ${input.personalData ? html`checked` : ''}
            />
            <label for="donnees_personnelles">Envoyer les questions au modèle sans masquer les données personnelles</label>
          </div>
          <span class="hint" id="donnees_personnelles-hint"
            >Case décochée (conseillé) : les adresses électroniques, numéros de téléphone, numéros de dossier, IBAN, longs
            numéros et noms sont remplacés avant l’envoi. Sans modèle configuré, ce choix n’a pas d’effet.</span
          >
        </div>
        <button type="submit" class="button">Enregistrer</button>
      </form>`,
  });
}
