import { formatBytes, formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { MailboxField, MailboxValues } from '../forms.ts';

export const MAILBOX_PAGE = '/agent/admin/messagerie';

export interface MailboxPageInput {
  values: MailboxValues;
  errors: FieldError[];
  /** Whether a password is stored (then the field may be left empty). */
  hasPassword: boolean;
  /** How the polls went, when a mailbox is set. */
  status?: {
    enabled: boolean;
    lastPollAt: Date | null;
    lastSuccessAt: Date | null;
    lastError: string | null;
    lastErrorAt: Date | null;
  };
  /** Messages given up on (left in the folder). */
  failed: { uid: number; size_bytes: number; attempts: number; last_error: string | null; first_seen_at: Date }[];
  /** The default address: `<slug>@INBOUND_DOMAIN`. */
  defaultAddress: string;
  intervalSeconds: number;
  notice?: string;
}

const TLS_LABELS: Record<string, string> = {
  tls: 'TLS (port 993, recommandé)',
  starttls: 'STARTTLS (port 143)',
  none: 'Aucun : serveur sur le même réseau uniquement',
};

function field(
  input: MailboxPageInput,
  f: {
    name: Exclude<MailboxField, 'active' | 'chiffrement'>;
    label: string;
    hint: string;
    type?: string;
    autocomplete?: string;
  },
): SafeHtml {
  const error = errorOf(input.errors, f.name);
  const password = f.name === 'mot_de_passe';
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${f.name}">${f.label}</label>
    <span class="hint" id="${f.name}-hint">${f.hint}</span>
    ${error ? html`<span class="error-message" id="${f.name}-error">${error}</span>` : ''}
    <input
      type="${f.type ?? 'text'}"
      id="${f.name}"
      name="${f.name}"
      autocomplete="${f.autocomplete ?? 'off'}"
      spellcheck="false"
      autocapitalize="off"
      ${password ? '' : html`value="${input.values[f.name as Exclude<typeof f.name, 'mot_de_passe'>]}"`}
      aria-describedby="${f.name}-hint${error ? ` ${f.name}-error` : ''}"
      ${error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

function statusSection(ctx: PageContext, input: MailboxPageInput): SafeHtml | string {
  const s = input.status;
  if (!s) return '';
  return html`<h2>Relève de la boîte</h2>
    <dl class="facts">
      <dt>État</dt>
      <dd>
        ${
          s.enabled
            ? `Activée : relevée toutes les ${formatNumberFr(Math.round(input.intervalSeconds / 60) || 1)} minute${input.intervalSeconds >= 120 ? 's' : ''} environ.`
            : 'Désactivée : la boîte n’est pas relevée.'
        }
      </dd>
      <dt>Dernière relève</dt>
      <dd>${s.lastPollAt ? formatDateTimeFr(s.lastPollAt) : 'Pas encore'}</dd>
      <dt>Dernière relève réussie</dt>
      <dd>${s.lastSuccessAt ? formatDateTimeFr(s.lastSuccessAt) : 'Pas encore'}</dd>
      <dt>Dernière erreur</dt>
      <dd>
        ${
          s.lastError
            ? html`<strong class="tag late">En échec</strong> ${s.lastErrorAt ? `le ${formatDateTimeFr(s.lastErrorAt)}` : ''} :
                ${s.lastError}`
            : 'Aucune'
        }
      </dd>
    </dl>
    <h3>Messages non enregistrés</h3>
    ${
      input.failed.length === 0
        ? html`<p>Aucun : chaque message relevé est devenu une demande ou a rejoint la sienne.</p>`
        : html`<p>
              Ces messages ont échoué à chaque essai. Ils sont restés dans la boîte, non lus : lisez-les dans votre
              messagerie, ou réessayez une fois la cause corrigée.
            </p>
            <table>
              <caption class="visually-hidden">Messages non enregistrés</caption>
              <thead>
                <tr>
                  <th scope="col">Vu le</th>
                  <th scope="col">Taille</th>
                  <th scope="col">Essais</th>
                  <th scope="col">Erreur</th>
                </tr>
              </thead>
              <tbody>
                ${input.failed.map(
                  (m) =>
                    html`<tr>
                      <th scope="row">${formatDateTimeFr(m.first_seen_at)}</th>
                      <td>${formatBytes(m.size_bytes)}</td>
                      <td>${formatNumberFr(m.attempts)}</td>
                      <td>${m.last_error ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <form method="post" action="${url(ctx, `${MAILBOX_PAGE}/relancer`)}">
              ${csrfField(ctx)}
              <button type="submit" class="button secondary">Réessayer ces messages</button>
            </form>`
    }`;
}

/**
 * « Messagerie »: the address citizens write to and, when the mairie's mail is hosted elsewhere,
 * the IMAP mailbox Guichet reads it from; how the last polls went and the messages left aside.
 */
export function mailboxPage(ctx: PageContext, input: MailboxPageInput): SafeHtml {
  const v = input.values;
  const tlsError = errorOf(input.errors, 'chiffrement');
  const main = html`${adminNav(ctx, MAILBOX_PAGE)} ${errorSummary(input.errors)}
    <h1>Messagerie</h1>
    <p>
      Chaque courriel écrit à la mairie devient une demande dans la liste des agents, ou rejoint la demande à laquelle
      il répond. Si la messagerie de la mairie est hébergée ailleurs, Guichet relève la boîte : chaque nouveau message
      est enregistré, puis marqué comme lu et rangé dans un dossier à part.
    </p>
    ${statusSection(ctx, input)}
    <h2>Boîte à relever</h2>
    <form method="post" action="${url(ctx, MAILBOX_PAGE)}" novalidate>
      ${csrfField(ctx)}
      ${field(input, {
        name: 'adresse',
        label: 'Adresse de la mairie',
        type: 'email',
        hint: `L’adresse à laquelle les habitants écrivent, affichée sur la page « Nous contacter ». Sans boîte à relever : ${input.defaultAddress}.`,
      })}
      ${field(input, {
        name: 'serveur',
        label: 'Serveur IMAP',
        hint: 'Donné par votre hébergeur, par exemple imap.hebergeur.fr.',
      })}
      ${field(input, { name: 'port', label: 'Port', hint: '993 pour TLS, 143 pour STARTTLS.' })}
      <div class="field${tlsError ? ' field-error' : ''}">
        <label for="chiffrement">Chiffrement</label>
        ${tlsError ? html`<span class="error-message" id="chiffrement-error">${tlsError}</span>` : ''}
        <select
          id="chiffrement"
          name="chiffrement"
          ${tlsError ? html`aria-describedby="chiffrement-error" aria-invalid="true"` : ''}
        >
          ${Object.entries(TLS_LABELS).map(
            ([value, label]) =>
              html`<option value="${value}" ${v.chiffrement === value ? html` selected` : ''}>${label}</option>`,
          )}
        </select>
      </div>
      ${field(input, {
        name: 'identifiant',
        label: 'Identifiant',
        hint: 'Souvent l’adresse de la boîte.',
        autocomplete: 'username',
      })}
      ${field(input, {
        name: 'mot_de_passe',
        label: 'Mot de passe',
        type: 'password',
        autocomplete: 'new-password',
        hint: input.hasPassword
          ? 'Un mot de passe est enregistré (chiffré). Laissez vide pour le garder.'
          : 'Il est enregistré chiffré. Certains hébergeurs demandent un mot de passe d’application.',
      })}
      ${field(input, { name: 'dossier', label: 'Dossier à relever', hint: 'En général INBOX, la boîte de réception.' })}
      ${field(input, {
        name: 'dossier_traites',
        label: 'Dossier des messages enregistrés',
        hint: 'Créé s’il n’existe pas. Les sous-dossiers s’écrivent avec « / », par exemple Guichet/Traités.',
      })}
      <div class="checkbox">
        <input type="checkbox" id="active" name="active" value="1" ${v.active ? html`checked` : ''} />
        <label for="active">Relever cette boîte</label>
      </div>
      <button type="submit" class="button">Enregistrer</button>
      <button type="submit" class="button secondary" name="action" value="tester">Tester la connexion</button>
    </form>`;
  return layout(ctx, {
    title: 'Messagerie',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Messagerie' }],
  });
}
