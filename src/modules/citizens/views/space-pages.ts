import type { RequestStatus } from '../../../db/schema.ts';
import { formatCharactersFr, formatDateFr, formatDateTimeFr } from '../../../platform/format.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { STATUS_LABELS } from '../../requests/status.ts';
import { eventTitle, timeline } from '../../requests/timeline.ts';
import {
  CHANNELS,
  LANGUAGES,
  NEEDS,
  NEEDS_TEXT_MAX,
  describeUserAgent,
  type CitizenPreferences,
} from '../preferences.ts';
import type { MyMessage, MyRequest, MySession } from '../repository.ts';
import type { SessionCitizen } from '../sessions.ts';
import type { VerifiedIdentity } from '../../requests/form-engine/present.ts';
import { identityVerifiedNote } from '../../identity/views.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { inputField } from '../../../platform/web/fields.ts';

const SECTIONS = [
  { path: '/mon-espace', label: 'Accueil de mon espace' },
  { path: '/mon-espace/demandes', label: 'Mes demandes' },
  { path: '/mon-espace/messages', label: 'Mes messages' },
  { path: '/mon-espace/preferences', label: 'Mes préférences' },
  { path: '/mon-espace/sessions', label: 'Mes connexions' },
  { path: '/mon-espace/donnees', label: 'Mes données' },
];

export function displayName(c: SessionCitizen): string {
  const name = [c.givenName, c.preferredUsername || c.familyName].filter(Boolean).join(' ');
  return name || c.email || 'vous';
}

function spacePage(
  ctx: PageContext,
  current: string,
  title: string,
  main: SafeHtml,
  options: { notice?: string; errors?: FieldError[]; crumbs?: { label: string; href?: string }[] } = {},
): SafeHtml {
  const nav = html`<nav class="space-nav" aria-label="Mon espace">
    <ul>
      ${SECTIONS.map(
        (s) =>
          html`<li>
            <a href="${url(ctx, s.path)}" ${s.path === current ? html`aria-current="page"` : ''}>${s.label}</a>
          </li>`,
      )}
      <li>
        <form method="post" action="${url(ctx, '/deconnexion')}">
          ${csrfField(ctx)}<button type="submit" class="link-button">Se déconnecter</button>
        </form>
      </li>
    </ul>
  </nav>`;
  const crumbs = options.crumbs ?? [{ label: title }];
  return layout(ctx, {
    title,
    errors: options.errors,
    notice: options.notice,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      ...(current === '/mon-espace' ? [] : [{ label: 'Mon espace', href: '/mon-espace' }]),
      ...crumbs,
    ],
    main: html`${nav}${main}`,
  });
}

function statusTag(status: RequestStatus): SafeHtml {
  return html`<span class="status status-${status}">${STATUS_LABELS[status]}</span>`;
}

export function spaceHomePage(
  ctx: PageContext,
  input: { citizen: SessionCitizen; openRequests: number; totalRequests: number; messages: number; notice?: string },
): SafeHtml {
  const c = input.citizen;
  return spacePage(
    ctx,
    '/mon-espace',
    'Mon espace',
    html`<h1>Mon espace</h1>
      <p class="lead">Bonjour ${displayName(c)}.</p>
      <dl class="facts">
        <dt>Adresse électronique</dt>
        <dd>${c.email ?? 'non renseignée'}</dd>
        <dt>Demandes en cours</dt>
        <dd>${input.openRequests} sur ${input.totalRequests}</dd>
        <dt>Messages de la commune</dt>
        <dd>${input.messages}</dd>
      </dl>
      <ul>
        <li><a href="${url(ctx, '/mon-espace/demandes')}">Voir mes demandes</a></li>
        <li><a href="${url(ctx, '/mon-espace/messages')}">Lire mes messages</a></li>
        <li><a href="${url(ctx, '/demarches')}">Faire une nouvelle démarche</a></li>
      </ul>`,
    { notice: input.notice },
  );
}

export function myRequestsPage(ctx: PageContext, requests: MyRequest[], notice?: string): SafeHtml {
  return spacePage(
    ctx,
    '/mon-espace/demandes',
    'Mes demandes',
    html`<h1>Mes demandes</h1>
      ${
        requests.length === 0
          ? html`<p>Vous n'avez pas encore de demande.</p>
              <p><a href="${url(ctx, '/demarches')}">Faire une démarche</a></p>`
          : html`<table class="table">
              <caption>
                Vos demandes, de la plus récente à la plus ancienne
              </caption>
              <thead>
                <tr>
                  <th scope="col">Numéro</th>
                  <th scope="col">Démarche</th>
                  <th scope="col">Où en est-elle</th>
                  <th scope="col">Réponse promise au plus tard le</th>
                </tr>
              </thead>
              <tbody>
                ${requests.map(
                  (r) =>
                    html`<tr>
                      <td><a href="${url(ctx, `/mon-espace/demandes/${r.reference}`)}">${r.reference}</a></td>
                      <td>${r.demarcheTitle}${r.identity ? html`<br />${identityVerifiedNote(r.identity, 'span')}` : ''}</td>
                      <td>${statusTag(r.status)}</td>
                      <td>${formatDateFr(r.dueOn)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h2>Une demande faite sans compte ?</h2>
      <p>
        Les demandes faites sans être connecté n'apparaissent pas ici d'elles-mêmes. Ajoutez-les avec leur numéro et leur
        code de suivi.
      </p>
      <p><a href="${url(ctx, '/mon-espace/demandes/rattacher')}">Rattacher une demande à mon espace</a></p>`,
    { notice },
  );
}

/** Attaching a request filed without an account, with its reference and tracking code. */
export function linkRequestPage(
  ctx: PageContext,
  state: { reference: string; code: string; errors: FieldError[] },
): SafeHtml {
  return spacePage(
    ctx,
    '/mon-espace/demandes',
    'Rattacher une demande',
    html`<h1>Rattacher une demande à mon espace</h1>
      ${errorSummary(state.errors)}
      <p>
        Le numéro de la demande et son code de suivi figurent dans le courriel de confirmation et sur le récépissé. Le code
        prouve que la demande est la vôtre : une demande n'est jamais ajoutée à un compte sur la seule adresse
        électronique.
      </p>
      <form id="rattacher" method="post" action="${url(ctx, '/mon-espace/demandes/rattacher')}" novalidate>
        ${csrfField(ctx)}
        ${inputField({ name: 'reference', label: 'Numéro de la demande', type: 'text', value: state.reference, hint: 'Par exemple VB-2026-4F7K2.', autocomplete: 'off', errors: state.errors })}
        ${inputField({ name: 'cle', label: 'Code de suivi', type: 'text', value: state.code, autocomplete: 'off', errors: state.errors })}
        <button type="submit" class="button">Rattacher la demande</button>
      </form>`,
    {
      errors: state.errors,
      crumbs: [{ label: 'Mes demandes', href: '/mon-espace/demandes' }, { label: 'Rattacher une demande' }],
    },
  );
}

export interface MyRequestDetail {
  reference: string;
  demarcheTitle: string;
  status: RequestStatus;
  submittedAt: Date;
  dueOn: string;
  events: { id: string; kind: string; at: Date; statusTo: RequestStatus | null; body: string; author: string }[];
  documents: { id: string; eventId: string | null; filename: string; sizeBytes: number }[];
  answers: { label: string; value: string; verifiedBy?: string }[];
  identity: VerifiedIdentity | null;
}

export function myRequestPage(ctx: PageContext, r: MyRequestDetail): SafeHtml {
  return spacePage(
    ctx,
    '/mon-espace/demandes',
    `Demande ${r.reference}`,
    html`<h1>Demande <span class="nowrap">${r.reference}</span></h1>
      <p class="lead">${r.demarcheTitle}</p>
      ${identityVerifiedNote(r.identity)}
      <dl class="facts">
        <dt>Où en est votre demande</dt>
        <dd>${statusTag(r.status)}</dd>
        <dt>Envoyée le</dt>
        <dd>${formatDateTimeFr(r.submittedAt)}</dd>
        <dt>Réponse promise au plus tard le</dt>
        <dd>${formatDateFr(r.dueOn)}</dd>
      </dl>
      <p>
        Pour ajouter un message ou un document, ou pour télécharger le récépissé, ouvrez le lien de suivi reçu par
        courriel lors de l'envoi de la demande.
      </p>
      <h2>Historique</h2>
      ${timeline(
        r.events.map((e) => ({ ...e, authorKind: e.author })),
        r.documents.map((d) => ({ ...d, href: url(ctx, `/mon-espace/donnees/documents/${d.id}`) })),
        'citizen',
      )}
      <h2>Ce que vous avez envoyé</h2>
      <dl class="answers">
        ${r.answers.map(
          (a) =>
            html`<dt>${a.label}</dt>
              <dd>${a.value}${a.verifiedBy ? html` <span class="badge-verified">Vérifié par ${a.verifiedBy}</span>` : ''}</dd>`,
        )}
      </dl>`,
    { crumbs: [{ label: 'Mes demandes', href: '/mon-espace/demandes' }, { label: r.reference }] },
  );
}

export function myMessagesPage(ctx: PageContext, messages: MyMessage[]): SafeHtml {
  return spacePage(
    ctx,
    '/mon-espace/messages',
    'Mes messages',
    html`<h1>Mes messages</h1>
      ${
        messages.length === 0
          ? html`<p>La commune ne vous a pas encore écrit.</p>`
          : html`<ol class="timeline">
              ${messages.map(
                (m) =>
                  html`<li>
                    <h2>${eventTitle(m, 'citizen')}</h2>
                    <p class="meta">
                      ${formatDateTimeFr(m.at)} ·
                      <a href="${url(ctx, `/mon-espace/demandes/${m.reference}`)}">Demande ${m.reference}</a> ·
                      ${m.demarcheTitle}
                    </p>
                    <p class="message-body">${m.body}</p>
                  </li>`,
              )}
            </ol>`
      }`,
  );
}

/**
 * Where the error summary sends the reader for a group of radios or checkboxes: its first input
 * (no input carries the group's name as its id).
 */
const PREFERENCE_ANCHORS: Record<string, string> = {
  channel: `channel-${Object.keys(CHANNELS)[0]}`,
  needs: `need-${Object.keys(NEEDS)[0]}`,
};

function fieldMessage(errors: FieldError[], field: string): SafeHtml | '' {
  const message = errorOf(errors, field);
  return message ? html`<span class="error-message" id="${field}-error">${message}</span>` : '';
}

export function preferencesPage(
  ctx: PageContext,
  state: { value: CitizenPreferences; errors: FieldError[]; notice?: string },
): SafeHtml {
  const v = state.value;
  const summary = state.errors.map((e) => ({ ...e, field: e.anchor ?? PREFERENCE_ANCHORS[e.field] ?? e.field }));
  const invalid = (field: string) => state.errors.some((e) => e.field === field);
  return spacePage(
    ctx,
    '/mon-espace/preferences',
    'Mes préférences',
    html`<h1>Mes préférences</h1>
      ${errorSummary(summary)}
      <form method="post" action="${url(ctx, '/mon-espace/preferences')}" novalidate>
        ${csrfField(ctx)}
        <fieldset class="field${invalid('channel') ? ' field-error' : ''}">
          <legend>Comment préférez-vous être contacté ?</legend>
          ${fieldMessage(state.errors, 'channel')}
          ${Object.entries(CHANNELS).map(
            ([key, label]) =>
              html`<div class="choice">
                <input type="radio" id="channel-${key}" name="channel" value="${key}" ${attr('checked', v.channel === key)} />
                <label for="channel-${key}">${label}</label>
              </div>`,
          )}
        </fieldset>
        <div class="field${invalid('language') ? ' field-error' : ''}">
          <label for="language">Langue</label>
          <span class="hint" id="language-hint">Le site n'existe pour l'instant qu'en français.</span>
          ${fieldMessage(state.errors, 'language')}
          <select id="language" name="language" aria-describedby="language-hint">
            ${Object.entries(LANGUAGES).map(
              ([key, label]) => html`<option value="${key}" ${attr('selected', v.language === key)}>${label}</option>`,
            )}
          </select>
        </div>
        <fieldset class="field${invalid('needs') ? ' field-error' : ''}">
          <legend>Besoins d'accessibilité <span class="optional">(facultatif)</span></legend>
          ${fieldMessage(state.errors, 'needs')}
          ${Object.entries(NEEDS).map(
            ([key, label]) =>
              html`<div class="choice">
                <input
                  type="checkbox"
                  id="need-${key}"
                  name="needs"
                  value="${key}"
                  ${attr('checked', v.needs.includes(key as never))}
                />
                <label for="need-${key}">${label}</label>
              </div>`,
          )}
        </fieldset>
        <div class="field${invalid('needsText') ? ' field-error' : ''}">
          <label for="needsText">Autre besoin, ou précision <span class="optional">(facultatif)</span></label>
          <span class="hint" id="needsText-hint">${formatCharactersFr(NEEDS_TEXT_MAX)} au plus.</span>
          ${fieldMessage(state.errors, 'needsText')}
          <textarea
            id="needsText"
            name="needsText"
            rows="4"
            aria-describedby="needsText-hint${invalid('needsText') ? ' needsText-error' : ''}"
            ${invalid('needsText') ? html`aria-invalid="true"` : ''}
          >${v.needsText}</textarea>
        </div>
        <button type="submit" class="button">Enregistrer mes préférences</button>
      </form>`,
    { errors: state.errors, notice: state.notice },
  );
}

export function sessionsPage(
  ctx: PageContext,
  input: { sessions: MySession[]; currentId: string; notice?: string },
): SafeHtml {
  return spacePage(
    ctx,
    '/mon-espace/sessions',
    'Mes connexions',
    html`<h1>Mes connexions</h1>
      <p>
        Voici les appareils connectés à votre compte. Si vous ne reconnaissez pas l'un d'eux, déconnectez-le puis
        changez votre mot de passe.
      </p>
      <ul class="session-list">
        ${input.sessions.map(
          (s) =>
            html`<li>
              <p>
                <strong>${describeUserAgent(s.userAgent)}</strong>
                ${s.id === input.currentId ? html` <span class="tag">Cet appareil</span>` : ''}
              </p>
              <dl class="facts">
                <dt>Connexion</dt>
                <dd>${formatDateTimeFr(s.createdAt)}, ${s.method === 'franceconnect' ? 'avec FranceConnect' : 'avec mot de passe'}</dd>
                <dt>Dernière activité</dt>
                <dd>${formatDateTimeFr(s.lastSeenAt)}</dd>
                <dt>Adresse IP</dt>
                <dd>${s.ip ?? 'inconnue'}</dd>
              </dl>
              <form method="post" action="${url(ctx, '/mon-espace/sessions/revoquer')}">
                ${csrfField(ctx)}
                <input type="hidden" name="session" value="${s.id}" />
                <button type="submit" class="button button-secondary">
                  ${s.id === input.currentId ? 'Me déconnecter de cet appareil' : 'Déconnecter cet appareil'}
                </button>
              </form>
            </li>`,
        )}
      </ul>`,
    { notice: input.notice },
  );
}
