import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, url, type PageContext } from '../../../platform/web/layout.ts';
import type { AgentHelp } from '../open-agent-help.ts';

/**
 * The « Aide à la réponse » aside of a request's page. Everything in it is a suggestion the agent
 * acts on: links (articles, a template filled into the reply form as the template picker does)
 * and the transfer form prefilled with the suggested service. Nothing is sent by itself.
 */
export function helpPanel(
  ctx: PageContext,
  input: { reference: string; revision: number; canTransfer: boolean; help: AgentHelp },
): SafeHtml {
  const { help } = input;
  const ref = encodeURIComponent(input.reference);
  return html`<aside class="help-panel" aria-labelledby="aide-titre">
    <h2 id="aide-titre">Aide à la réponse</h2>
    <p class="hint">Des suggestions calculées à partir du message. Vérifiez-les : rien n’est envoyé sans vous.</p>
    ${
      help.isComplaint || help.urgency === 'urgente'
        ? html`<p>
            ${
              help.isComplaint
                ? html`<strong class="tag complaint">Réclamation probable</strong>
                    <a href="${url(ctx, `/agent/reclamations/nouvelle?demande=${ref}`)}">Traiter comme réclamation</a> `
                : ''
            }
            ${help.urgency === 'urgente' ? html`<strong class="tag late">Urgence probable</strong>` : ''}
          </p>`
        : ''
    }
    ${
      help.service
        ? help.otherService
          ? html`<p>Service suggéré : <strong>${help.service.name}</strong>.</p>
              ${
                input.canTransfer
                  ? html`<form method="post" action="${url(ctx, `/agent/demandes/${ref}/transfert`)}">
                      ${csrfField(ctx)}
                      <input type="hidden" name="revision" value="${input.revision}" />
                      <input type="hidden" name="service" value="${help.service.id}" />
                      <div class="field">
                        <label for="aide-motif">Motif du transfert</label>
                        <span class="hint" id="aide-motif-hint">Les agents de l’autre service le lisent.</span>
                        <textarea id="aide-motif" name="motif" rows="2" aria-describedby="aide-motif-hint">
Ce message relève du service ${help.service.name}.</textarea
                        >
                      </div>
                      <button type="submit" class="button secondary">Transférer à ${help.service.name}</button>
                    </form>`
                  : ''
              }`
          : html`<p>Service suggéré : <strong>${help.service.name}</strong>, celui de la demande.</p>`
        : ''
    }
    ${
      help.articles.length > 0
        ? html`<h3>Articles utiles</h3>
            <ul class="help-articles">
              ${help.articles.map(
                (a) =>
                  html`<li>
                    <a href="${url(ctx, `${a.audience === 'internal' ? '/agent/assistant/articles' : '/demarches'}/${encodeURIComponent(a.slug)}`)}">${a.title}</a>${
                      a.audience === 'internal' ? ' (fiche interne)' : ''
                    }
                  </li>`,
              )}
            </ul>`
        : ''
    }
    ${
      help.template
        ? html`<h3>Modèle de réponse</h3>
            <p>
              <a href="${url(ctx, `/agent/demandes/${ref}?modele=${encodeURIComponent(help.template.id)}`)}#reponse"
                >Partir du modèle « ${help.template.title} »</a
              >
            </p>`
        : ''
    }
    ${
      help.summary
        ? html`<h3>Résumé de l’échange</h3>
            <p class="help-summary">${help.summary}</p>`
        : ''
    }
  </aside>`;
}
