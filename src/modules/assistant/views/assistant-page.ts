import type { AssistantMessage } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { NextStep } from '../next-steps.ts';

export interface AssistantPageInput {
  area: 'citizen' | 'agent';
  /** The form's target: /assistant or /agent/assistant. */
  action: string;
  conversationId: string | null;
  messages: AssistantMessage[];
  /** The next steps of the last answer. */
  nextSteps: NextStep[];
  /** What was typed, kept when the form comes back with an error. */
  question: string;
  errors: FieldError[];
  /** The item a hand-off created, if any. */
  handedOffReference: string | null;
}

/**
 * The assistant without JavaScript: the conversation so far (each question, each answer with its
 * sources as links), the next steps of the last answer, and the form for the next question.
 * Answers are plain text: escaped like everything else.
 */
export function assistantPage(ctx: PageContext, input: AssistantPageInput): SafeHtml {
  const agent = input.area === 'agent';
  const last = input.messages.length - 1;
  const main = html`<h1>${agent ? 'Assistant des agents' : 'Poser une question'}</h1>
    <p class="lead">
      ${
        agent
          ? 'L’assistant répond à partir des pages de la mairie et des fiches internes. Vérifiez toujours la source.'
          : 'L’assistant répond à partir des pages de la mairie, avec les liens vers ces pages. Il ne connaît pas votre dossier.'
      }
    </p>
    ${agent ? '' : html`<p class="hint">N’écrivez pas d’informations personnelles (numéro de dossier, adresse, santé…).</p>`}
    ${errorSummary(input.errors)}
    ${
      input.messages.length > 0
        ? html`<section class="assistant-conversation" aria-labelledby="conversation-title">
            <h2 id="conversation-title" class="visually-hidden">Votre conversation</h2>
            <ol class="assistant-messages">
              ${input.messages.map((m, i) => messageItem(m, i === last))}
            </ol>
          </section>`
        : ''
    }
    ${nextStepsBlock(input.nextSteps, input.handedOffReference)}
    <form method="post" action="${url(ctx, input.action)}" class="assistant-form" data-assistant-form>
      ${csrfField(ctx)}
      <input type="hidden" name="conversation" value="${input.conversationId ?? ''}" />
      <div class="field${input.errors.length > 0 ? ' field-error' : ''}">
        <label for="question">${input.messages.length > 0 ? 'Une autre question ?' : 'Votre question'}</label>
        <span class="hint" id="question-hint">Écrivez-la avec vos mots, en français (2 000 caractères au plus).</span>
        ${input.errors.length > 0 ? html`<span class="error-message" id="question-error">${input.errors.map((e) => e.message).join(' ')}</span>` : ''}
        <textarea
          id="question"
          name="question"
          rows="3"
          maxlength="2000"
          aria-describedby="question-hint${input.errors.length > 0 ? ' question-error' : ''}"
          ${input.errors.length > 0 ? html`aria-invalid="true"` : ''}
          required
        >
${input.question}</textarea
        >
      </div>
      <button type="submit" class="button">Envoyer la question</button>
    </form>
    ${
      !agent && input.conversationId && input.messages.length > 0
        ? html`<p>
            <a href="${url(ctx, `/avis/assistant/${input.conversationId}`)}">Donner votre avis sur les réponses de l’assistant</a>
          </p>`
        : ''
    }`;
  return layout(ctx, {
    title: agent ? 'Assistant des agents' : 'Poser une question',
    area: input.area,
    errors: input.errors,
    breadcrumbs: agent
      ? [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Assistant' }]
      : [{ label: 'Accueil', href: '/' }, { label: 'Poser une question' }],
    main,
  });
}

function messageItem(m: AssistantMessage, isLast: boolean): SafeHtml {
  if (m.role === 'question') {
    return html`<li class="assistant-question">
      <p class="assistant-who">Votre question</p>
      <p class="keep-lines">${m.text}</p>
    </li>`;
  }
  return html`<li class="assistant-answer${m.declined ? ' assistant-declined' : ''}" ${isLast ? html`id="reponse" tabindex="-1"` : ''}>
    <p class="assistant-who">Réponse de l’assistant</p>
    <p>${m.text}</p>
    ${
      m.citations && m.citations.length > 0
        ? html`<p class="assistant-sources-title">${m.citations.length > 1 ? 'Sources :' : 'Source :'}</p>
            <ul class="assistant-sources">
              ${m.citations.map((c) => html`<li><a href="${c.url}">${c.title}</a></li>`)}
            </ul>`
        : ''
    }
  </li>`;
}

/** The next steps of the last answer: links that look like buttons. */
export function nextStepsBlock(steps: NextStep[], handedOffReference: string | null): SafeHtml {
  if (steps.length === 0 && !handedOffReference) return html``;
  return html`<section class="assistant-next" aria-labelledby="next-title">
    <h2 id="next-title">Et maintenant ?</h2>
    ${
      handedOffReference
        ? html`<p>Votre conversation a été transmise à la mairie sous le numéro <strong>${handedOffReference}</strong>.</p>`
        : ''
    }
    <ul class="assistant-steps">
      ${steps
        .filter((s) => !(handedOffReference && s.kind === 'handoff'))
        .map(
          (s) =>
            html`<li>
              <a class="button${s.kind === 'online' ? '' : ' secondary'}" href="${s.url}">${s.label}</a>
            </li>`,
        )}
    </ul>
  </section>`;
}
