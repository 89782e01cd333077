import { formatDateFr, formatDateTimeFr } from '../../platform/format.ts';
import { html, type SafeHtml } from '../../platform/html.ts';
import { errorSummary, layout, url, type PageContext } from '../../platform/web/layout.ts';
import type { TrackedRequest } from './find-tracked-request.ts';
import { presentAnswers, verifiedIdentity } from './form-engine/present.ts';
import { renderForm, type FormState } from './form-engine/render.ts';
import type { FormDefinition } from '../catalogue/form-definition.ts';
import { franceConnectButton, identityVerifiedNote } from '../identity/views.ts';
import { TRACKING_SECRET_EXAMPLE } from './reference.ts';
import { isOpen } from './status.ts';
import { timeline } from './timeline.ts';

export function formPage(
  ctx: PageContext,
  d: { slug: string; title: string; summary: string; delayDays: number; form: FormDefinition },
  state: FormState,
  maxUploadMb: number,
): SafeHtml {
  const title = `${d.title} : demande en ligne`;
  return layout(ctx, {
    title,
    errors: state.errors,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Démarches', href: '/demarches' },
      { label: d.title, href: `/demarches/${d.slug}` },
      { label: 'Demande en ligne' },
    ],
    main: html`<h1>${d.title}</h1>
      <p class="lead">Demande en ligne. Réponse de la commune sous ${d.delayDays} jours ouvrés au plus.</p>
      ${d.form.intro ? html`<p>${d.form.intro}</p>` : ''}
      ${state.locked ? '' : franceConnectButton(ctx, `/demarches/${d.slug}/demande`, 'Gagnez du temps : vos nom et prénom seront remplis et vérifiés.')}
      <p>
        Avant de commencer, lisez <a href="${url(ctx, `/demarches/${d.slug}`)}">ce qu'il faut préparer</a>. Vous pouvez
        aussi faire cette démarche <a href="${url(ctx, '/contact')}">à l'accueil de la mairie</a> : un agent peut vous
        aider.
      </p>
      ${renderForm(ctx, { action: url(ctx, `/demarches/${d.slug}/demande`), definition: d.form, state, maxUploadMb })}`,
  });
}

export function confirmationPage(ctx: PageContext, r: TrackedRequest, secret: string): SafeHtml {
  const tracking = url(ctx, `/suivi/${r.reference}?cle=${encodeURIComponent(secret)}`);
  return layout(ctx, {
    title: 'Demande envoyée',
    main: html`<div class="panel-success">
        <h1>Votre demande est bien envoyée</h1>
        <p>Votre numéro de demande :</p>
        <p class="reference">${r.reference}</p>
        <p>Votre code de suivi : <strong class="code">${secret}</strong></p>
        ${identityVerifiedNote(verifiedIdentity(r.data))}
      </div>
      <p>
        Nous nous engageons à vous répondre
        <strong>au plus tard le ${formatDateFr(r.dueOn)}</strong>${r.delayDays ? ` (${r.delayDays} jours ouvrés)` : ''}.
      </p>
      ${r.applicantEmail ? html`<p>Un courriel de confirmation part à l'adresse <strong>${r.applicantEmail}</strong>. Il contient votre numéro, votre code et le lien pour suivre votre demande.</p>` : ''}
      <h2>Et maintenant ?</h2>
      <ul>
        <li>
          <a href="${url(ctx, `/suivi/${r.reference}/recepisse.pdf?cle=${encodeURIComponent(secret)}`)}"
            >Télécharger le récépissé (PDF)</a
          >
          : il prouve la date de votre demande.
        </li>
        <li>
          <a href="${tracking}">Suivre votre demande</a> : vous y verrez chaque étape et pourrez ajouter un message ou
          un document.
        </li>
      </ul>
      <p>
        Notez votre numéro et votre code de suivi : ils suffisent pour suivre votre demande, sans compte. Par téléphone,
        donnez votre numéro de demande.
      </p>`,
  });
}

export function lookupPage(ctx: PageContext, state: { reference: string; code: string; error?: string }): SafeHtml {
  const errors = state.error ? [{ field: 'reference', message: state.error }] : [];
  return layout(ctx, {
    title: 'Suivre une demande',
    errors,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Suivre une demande' }],
    main: html`<h1>Suivre une demande</h1>
      ${errorSummary(errors)}
      <p>
        Indiquez le numéro de votre demande et votre code de suivi. Vous les trouvez dans le courriel de confirmation et
        sur votre récépissé.
      </p>
      <form method="get" action="${url(ctx, '/suivi')}">
        <div class="field${state.error ? ' field-error' : ''}">
          <label for="reference">Numéro de demande</label>
          <span class="hint" id="reference-hint">Par exemple : VB-2026-4F7K2</span>
          ${state.error ? html`<span class="error-message" id="reference-error">${state.error}</span>` : ''}
          <input
            type="text"
            id="reference"
            name="reference"
            value="${state.reference}"
            autocomplete="off"
            spellcheck="false"
            aria-describedby="reference-hint${state.error ? ' reference-error' : ''}"
            ${state.error ? html` aria-invalid="true"` : ''}
          />
        </div>
        <div class="field">
          <label for="cle">Code de suivi</label>
          <span class="hint" id="cle-hint">12 caractères, par exemple ${TRACKING_SECRET_EXAMPLE} (les tirets sont facultatifs)</span>
          <input
            type="text"
            id="cle"
            name="cle"
            value="${state.code}"
            autocomplete="off"
            spellcheck="false"
            aria-describedby="cle-hint"
          />
        </div>
        <button type="submit" class="button">Voir ma demande</button>
      </form>
      <p>
        Vous avez perdu votre code ? <a href="${url(ctx, '/contact')}">Contactez-nous</a> en donnant votre numéro de
        demande.
      </p>`,
  });
}

/** All of a field's error messages in one text, so that one element (one id) describes the field. */
function errorText(errors: { field: string; message: string }[], field: string): string {
  return errors
    .filter((e) => e.field === field)
    .map((e) => e.message)
    .join(' ');
}

export function trackingPage(
  ctx: PageContext,
  r: TrackedRequest,
  secret: string,
  state: { message: string; errors: { field: string; message: string }[]; notice?: string },
): SafeHtml {
  const answers = presentAnswers(r.form, r.data);
  const open = isOpen(r.status);
  return layout(ctx, {
    title: `Demande ${r.reference}`,
    errors: state.errors,
    notice: state.notice,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Suivre une demande', href: '/suivi' },
      { label: r.reference },
    ],
    main: html`<h1>Demande ${r.reference}</h1>
      <p class="lead">${r.demarcheTitle}</p>
      ${identityVerifiedNote(verifiedIdentity(r.data))}
      <dl class="facts">
        <dt>Où en est votre demande</dt>
        <dd><span class="status status-${r.status}">${r.statusLabel}</span></dd>
        <dt>Envoyée le</dt>
        <dd>${formatDateTimeFr(r.submittedAt)}</dd>
        <dt>Réponse promise au plus tard le</dt>
        <dd>${formatDateFr(r.dueOn)}</dd>
      </dl>
      <p>
        <a href="${url(ctx, `/suivi/${r.reference}/recepisse.pdf?cle=${encodeURIComponent(secret)}`)}"
          >Télécharger le récépissé (PDF)</a
        >
      </p>
      <p>
        <a href="${url(ctx, `/suivi/${r.reference}/donnees.pdf?cle=${encodeURIComponent(secret)}`)}" download
          >Télécharger les données de cette demande (PDF)</a
        >
        ou
        <a href="${url(ctx, `/suivi/${r.reference}/donnees.json?cle=${encodeURIComponent(secret)}`)}" download
          >les télécharger en JSON</a
        >
        : vos réponses, les messages, vos accords et qui a consulté la demande.
      </p>
      <h2>Historique</h2>
      ${timeline(
        r.events.map((e) => ({ ...e, authorKind: e.author })),
        r.documents.map((d) => ({
          ...d,
          href: url(ctx, `/suivi/${r.reference}/documents/${d.id}?cle=${encodeURIComponent(secret)}`),
        })),
        'citizen',
      )}
      ${
        open
          ? html`<h2 id="ajouter">Ajouter un message ou un document</h2>
              ${errorSummary(state.errors)}
              <form
                method="post"
                action="${url(ctx, `/suivi/${r.reference}/messages`)}"
                enctype="multipart/form-data"
                novalidate
              >
                <input type="hidden" name="cle" value="${secret}" />
                <div class="field${state.errors.some((e) => e.field === 'message') ? ' field-error' : ''}">
                  <label for="message"
                    >Votre message <span class="optional">(facultatif si vous ajoutez un document)</span></label
                  >
                  ${errorText(state.errors, 'message') ? html`<span class="error-message" id="message-error">${errorText(state.errors, 'message')}</span>` : ''}
                  <textarea
                    id="message"
                    name="message"
                    rows="5"
                    ${state.errors.some((e) => e.field === 'message') ? html`aria-describedby="message-error" aria-invalid="true"` : ''}
                  >
${state.message}</textarea
                  >
                </div>
                <div class="field${state.errors.some((e) => e.field === 'documents') ? ' field-error' : ''}">
                  <label for="documents">Documents <span class="optional">(facultatif)</span></label>
                  <span class="hint" id="documents-hint"
                    >Formats acceptés : PDF, JPEG,
                    PNG.${state.errors.length ? ' Si vous aviez choisi des fichiers, ajoutez-les à nouveau.' : ''}</span
                  >
                  ${errorText(state.errors, 'documents') ? html`<span class="error-message" id="documents-error">${errorText(state.errors, 'documents')}</span>` : ''}
                  <input
                    type="file"
                    id="documents"
                    name="documents"
                    multiple
                    accept="application/pdf,image/jpeg,image/png"
                    ${state.errors.some((e) => e.field === 'documents') ? html`aria-describedby="documents-hint documents-error" aria-invalid="true"` : html`aria-describedby="documents-hint"`}
                  />
                </div>
                <button type="submit" class="button">Envoyer</button>
              </form>`
          : html`<p>
              Cette demande est close. Pour une nouvelle question, <a href="${url(ctx, '/contact')}">contactez-nous</a>.
            </p>`
      }
      <h2>Ce que vous avez envoyé</h2>
      <dl class="answers">
        ${answers.map(
          (a) =>
            html`<dt>${a.label}</dt>
              <dd>${a.value}${a.verifiedBy ? html` <span class="badge-verified">Vérifié par ${a.verifiedBy}</span>` : ''}</dd>`,
        )}
      </dl>`,
  });
}
