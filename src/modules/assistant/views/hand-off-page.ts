import type { AssistantMessage } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { HANDOFF_CONSENT_WORDING } from '../hand-off-conversation.ts';

export interface HandOffValues {
  nom: string;
  email: string;
  telephone: string;
  consentement: boolean;
}

/** « Parler à une personne »: who to answer and how, the consent, and the conversation sent. */
export function handOffPage(
  ctx: PageContext,
  input: { conversationId: string; messages: AssistantMessage[]; values: HandOffValues; errors: FieldError[] },
): SafeHtml {
  const { values, errors } = input;
  const field = (
    name: 'nom' | 'email' | 'telephone',
    label: string,
    type: string,
    autocomplete: string,
    hint: string,
  ) => {
    const error = errorOf(errors, name);
    return html`<div class="field${error ? ' field-error' : ''}">
      <label for="${name}">${label}${name === 'nom' ? '' : html` <span class="optional">(${hint})</span>`}</label>
      ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''}
      <input
        type="${type}"
        id="${name}"
        name="${name}"
        autocomplete="${autocomplete}"
        value="${values[name]}"
        ${error ? html`aria-describedby="${name}-error" aria-invalid="true"` : ''}
        ${name === 'nom' ? html`required` : ''}
      />
    </div>`;
  };
  const consentError = errorOf(errors, 'consentement');
  const main = html`<h1>Parler à une personne</h1>
    <p class="lead">Un agent de la mairie lit votre conversation avec l’assistant et vous répond.</p>
    ${errorSummary(errors)}
    <form method="post" action="${url(ctx, `/assistant/c/${input.conversationId}/personne`)}">
      ${csrfField(ctx)}
      ${field('nom', 'Votre nom', 'text', 'name', '')}
      <p class="hint">Donnez au moins une adresse électronique ou un numéro de téléphone.</p>
      ${field('email', 'Adresse électronique', 'email', 'email', 'pour recevoir la réponse par courriel')}
      ${field('telephone', 'Téléphone', 'tel', 'tel', 'pour être rappelé')}
      <div class="field${consentError ? ' field-error' : ''}">
        ${consentError ? html`<span class="error-message" id="consentement-error">${consentError}</span>` : ''}
        <div class="choice">
          <input
            type="checkbox"
            id="consentement"
            name="consentement"
            value="oui"
            ${values.consentement ? html`checked` : ''}
            ${consentError ? html`aria-describedby="consentement-error" aria-invalid="true"` : ''}
          />
          <label for="consentement">${HANDOFF_CONSENT_WORDING}</label>
        </div>
      </div>
      <button type="submit" class="button">Envoyer à la mairie</button>
    </form>
    <section class="assistant-conversation" aria-labelledby="sent-title">
      <h2 id="sent-title">La conversation envoyée</h2>
      <ol class="assistant-messages">
        ${input.messages.map(
          (m) =>
            html`<li class="${m.role === 'question' ? 'assistant-question' : 'assistant-answer'}">
              <p class="assistant-who">${m.role === 'question' ? 'Votre question' : 'Réponse de l’assistant'}</p>
              <p class="keep-lines">${m.text}</p>
            </li>`,
        )}
      </ol>
    </section>
    <p><a href="${url(ctx, `/assistant/c/${input.conversationId}`)}">Revenir à la conversation</a></p>`;
  return layout(ctx, {
    title: 'Parler à une personne',
    errors,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Poser une question', href: `/assistant/c/${input.conversationId}` },
      { label: 'Parler à une personne' },
    ],
    main,
  });
}

/** After the hand-off: the reference, and what happens next. */
export function handOffDonePage(ctx: PageContext, input: { reference: string; emailed: boolean }): SafeHtml {
  return layout(ctx, {
    title: 'Conversation transmise',
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Conversation transmise' }],
    main: html`<div class="panel-success" role="status">
        <h1>Votre conversation est transmise à la mairie</h1>
        <p>Votre numéro : <strong class="reference">${input.reference}</strong></p>
      </div>
      <p>Un agent vous répondra. Gardez ce numéro : il vous sera demandé si vous appelez la mairie.</p>
      ${input.emailed ? html`<p>Vous allez recevoir un courriel avec ce numéro et le lien pour suivre votre demande.</p>` : ''}
      <p><a href="${url(ctx, '/')}">Revenir à l’accueil</a></p>`,
  });
}
