import { formatDateFr, formatDateTimeFr, formatPhoneFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { PersonRecord } from '../open-person-record.ts';
import { DUPLICATE_REASONS, LANGUAGE_LABELS, PREFERRED_CHANNELS, personName } from '../present.ts';
import { personTimelineView } from './person-timeline.ts';

export const PEOPLE_PATH = '/agent/usagers';
export const personPath = (id: string) => `${PEOPLE_PATH}/${id}`;

function fact(label: string, value: SafeHtml | string): SafeHtml {
  return html`<dt>${label}</dt>
    <dd>${value}</dd>`;
}

/**
 * « Fiche usager »: who the person is (with « Identité vérifiée par FranceConnect » when it is),
 * how to reach them, their preferences and consents, then one timeline of their items in the
 * agent's services; beside it, what the agent can do (edit, note a call, merge possible duplicates).
 */
export function personPage(ctx: PageContext, record: PersonRecord & { notice?: string; error?: string }): SafeHtml {
  const p = record.person;
  const name = personName(p);
  const none = 'Non renseigné';
  const identity = html`<dl class="facts">
    ${
      p.identity_source === 'franceconnect'
        ? fact(
            'Identité',
            html`<span class="badge-verified">Identité vérifiée par FranceConnect</span>${
              p.identity_verified_at ? ` le ${formatDateFr(new Date(p.identity_verified_at))}` : ''
            }`,
          )
        : fact('Identité', 'Déclarée par la personne ou notée par un agent (non vérifiée)')
    }
    ${fact('Prénoms', p.given_name ?? none)} ${fact('Nom', p.family_name ?? (p.given_name ? none : p.display_name || none))}
    ${fact('Date de naissance', p.birthdate ? formatDateFr(p.birthdate) : none)}
    ${fact('Compte usager', p.citizen_id ? 'Oui, la personne a un compte sur le site' : 'Non')}
  </dl>`;
  const contact = html`<h2>Coordonnées et préférences</h2>
    <dl class="facts">
      ${fact('Adresse électronique', p.email ?? none)} ${fact('Téléphone', p.phone ? formatPhoneFr(p.phone) : none)}
      ${fact('Adresse postale', p.postal_address || none)}
      ${fact('Canal préféré', p.preferred_channel ? PREFERRED_CHANNELS[p.preferred_channel] : none)}
      ${fact('Langue', LANGUAGE_LABELS[p.language] ?? p.language)}
      ${fact('Besoins d’accessibilité', p.accessibility_needs || 'Aucun indiqué')}
    </dl>`;
  const consents = p.citizen_id
    ? html`<h2>Consentements</h2>
        ${
          record.consents.length === 0
            ? html`<p>Aucun consentement enregistré.</p>`
            : html`<ul>
                ${record.consents.map(
                  (c) =>
                    html`<li>
                      ${c.wording} — donné le ${formatDateFr(new Date(c.given_at))}${
                        c.request_reference ? ` (demande ${c.request_reference})` : ''
                      }${c.withdrawn_at ? html`, <strong>retiré le ${formatDateFr(new Date(c.withdrawn_at))}</strong>` : ''}
                    </li>`,
                )}
              </ul>`
        }`
    : '';
  const duplicates = record.duplicates.length
    ? html`<h2>Doublons possibles</h2>
        <ul>
          ${record.duplicates.map(
            (d) =>
              html`<li>
                <a href="${url(ctx, personPath(d.id))}">${personName(d)}</a>
                (${d.reasons.map((r) => DUPLICATE_REASONS[r]).join(', ')})
                ${
                  record.canEdit
                    ? html`<br /><a href="${url(ctx, `${personPath(p.id)}/fusion?avec=${d.id}`)}"
                          >Comparer et fusionner avec ${personName(d)}</a
                        >`
                    : ''
                }
              </li>`,
          )}
        </ul>`
    : '';
  const merges = record.merges.length
    ? html`<h2>Fusions</h2>
        <ul>
          ${record.merges.map(
            (m) =>
              html`<li>
                Fiche de ${personName(m)} fusionnée le ${formatDateTimeFr(m.merged_at)}${m.agent_name ? ` par ${m.agent_name}` : ''}${
                  m.undone_at ? html` — <strong>annulée le ${formatDateTimeFr(m.undone_at)}</strong>` : ''
                }
                ${
                  m.undone_at
                    ? ''
                    : html`<form method="post" action="${url(ctx, `${PEOPLE_PATH}/fusions/${m.id}/annuler`)}" class="inline-form">
                        ${csrfField(ctx)}
                        <input type="hidden" name="confirmer" value="oui" />
                        <button type="submit" class="link-button">Annuler la fusion avec ${personName(m)}</button>
                      </form>`
                }
              </li>`,
          )}
        </ul>`
    : '';
  const main = html`${record.error ? html`<div class="warning" role="alert"><p>${record.error}</p></div>` : ''}
    <h1>Fiche usager : ${name}</h1>
    <div class="workspace">
      <div class="workspace-main">
        ${identity} ${contact} ${consents}
        <h2>Historique</h2>
        ${personTimelineView(ctx, { ...record, personPath: personPath(p.id) })}
      </div>
      <aside class="workspace-actions" aria-label="Actions sur la fiche">
        <h2>Actions</h2>
        <ul>
          ${record.canEdit ? html`<li><a href="${url(ctx, `${personPath(p.id)}/modifier`)}">Modifier la fiche</a></li>` : ''}
          <li><a href="${url(ctx, `/agent/contacts/nouveau?usager=${p.id}`)}">Noter un appel ou une visite</a></li>
          <li><a href="${url(ctx, `/agent/deposer?usager=${p.id}`)}">Déposer une démarche pour cette personne</a></li>
          <li><a href="${url(ctx, `/agent/rendez-vous/nouveau?usager=${p.id}`)}">Prendre un rendez-vous pour cette personne</a></li>
          <li><a href="${url(ctx, PEOPLE_PATH)}">Chercher une autre fiche</a></li>
        </ul>
        ${duplicates} ${merges}
      </aside>
    </div>`;
  return layout(ctx, {
    title: `Fiche usager : ${name}`,
    main,
    area: 'agent',
    notice: record.notice,
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Usagers', href: PEOPLE_PATH },
      { label: name },
    ],
  });
}
