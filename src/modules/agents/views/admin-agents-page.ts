import type { AgentRole } from '../../../db/schema.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { ROLE_LABELS, type AgentListItem } from '../list-agents.ts';
import { adminNav } from './admin-nav.ts';

export interface InviteValues {
  email: string;
  name: string;
  role: string;
  services: string[];
}

export interface AdminAgentsPageInput {
  agents: AgentListItem[];
  services: { id: string; name: string }[];
  selfId: string;
  requireAgent2fa: boolean;
  proconnect: { configured: boolean; sirets: string; domains: string; errors: FieldError[] };
  invite: { values: InviteValues; errors: FieldError[] };
  notice?: string;
}

function serviceBoxes(
  prefix: string,
  services: { id: string; name: string }[],
  checked: string[],
  describedBy?: string,
): SafeHtml {
  return html`${services.map(
    (s, i) =>
      html`<div class="checkbox">
        <input
          type="checkbox"
          id="${prefix}-${i}"
          name="services"
          value="${s.id}"
          ${attr('checked', checked.includes(s.id))}
          ${describedBy ? html`aria-describedby="${describedBy}"` : ''}
        />
        <label for="${prefix}-${i}">${s.name}</label>
      </div>`,
  )}`;
}

function agentRow(ctx: PageContext, input: AdminAgentsPageInput, a: AgentListItem, index: number): SafeHtml {
  const base = `/agent/admin/agents/${a.id}`;
  const status = !a.active ? 'Désactivé' : a.pending ? 'Invitation envoyée' : 'Actif';
  const resetForm =
    a.totp_enabled_at && a.id !== input.selfId
      ? html`<form method="post" action="${url(ctx, `${base}/reinitialiser-2fa`)}">
          ${csrfField(ctx)}
          <button type="submit" class="button secondary">
            Réinitialiser la double authentification de ${a.display_name}
          </button>
        </form>`
      : '';
  // Invited agents choose their password from the invitation; deactivated ones cannot reset.
  const passwordForm =
    a.active && !a.pending
      ? html`<form method="post" action="${url(ctx, `${base}/reinitialiser-mot-de-passe`)}">
          ${csrfField(ctx)}
          <button type="submit" class="button secondary">
            Envoyer à ${a.display_name} un lien pour changer son mot de passe
          </button>
        </form>`
      : '';
  return html`<section class="agent-card" aria-labelledby="agent-${index}">
    <h3 id="agent-${index}">${a.display_name}</h3>
    <dl class="facts">
      <dt>Adresse</dt>
      <dd>${a.email}</dd>
      <dt>Rôle</dt>
      <dd>${ROLE_LABELS[a.role as AgentRole]}</dd>
      <dt>Services</dt>
      <dd>
        ${a.role === 'admin' ? 'Tous les services' : a.services.length === 0 ? 'Aucun' : a.services.map((s) => s.name).join(', ')}
      </dd>
      <dt>Compte</dt>
      <dd>${status}</dd>
      <dt>Double authentification</dt>
      <dd>${a.totp_enabled_at ? 'Activée' : 'Non activée'}</dd>
    </dl>
    ${
      a.role !== 'admin'
        ? html`<form method="post" action="${url(ctx, `${base}/services`)}">
            ${csrfField(ctx)}
            <fieldset>
              <legend>Services de ${a.display_name}</legend>
              ${serviceBoxes(
                `services-${index}`,
                input.services,
                a.services.map((s) => s.id),
              )}
            </fieldset>
            <button type="submit" class="button secondary">Enregistrer les services</button>
          </form>`
        : ''
    }
    ${resetForm} ${passwordForm}
    ${
      a.id === input.selfId
        ? html`<p>C'est votre compte : vous ne pouvez pas le désactiver.</p>`
        : a.active
          ? html`<form method="post" action="${url(ctx, `${base}/desactiver`)}">
              ${csrfField(ctx)}
              <button type="submit" class="button secondary">Désactiver ${a.display_name}</button>
            </form>`
          : html`<form method="post" action="${url(ctx, `${base}/reactiver`)}">
              ${csrfField(ctx)}
              <button type="submit" class="button secondary">Réactiver ${a.display_name}</button>
            </form>`
    }
  </section>`;
}

function proconnectSection(ctx: PageContext, pc: AdminAgentsPageInput['proconnect']): SafeHtml {
  const err = (f: string) => pc.errors.find((e) => e.field === f);
  const field = (name: 'sirets' | 'domains', label: string, hint: string, value: string) =>
    html`<div class="field${err(name) ? ' field-error' : ''}">
      <label for="${name}">${label}</label>
      <span class="hint" id="${name}-hint">${hint}</span>
      ${err(name) ? html`<span class="error-message" id="${name}-error">${err(name)!.message}</span>` : ''}
      <textarea
        id="${name}"
        name="${name}"
        rows="3"
        spellcheck="false"
        aria-describedby="${name}-hint${err(name) ? ` ${name}-error` : ''}"
        ${err(name) ? html`aria-invalid="true"` : ''}
      >
${value}</textarea
      >
    </div>`;
  return html`<h2>Connexion avec ProConnect</h2>
    ${
      pc.configured
        ? html`<p>
            Les agents peuvent se connecter avec ProConnect si leur établissement (SIRET) ou le domaine de leur adresse
            électronique figure ci-dessous, et s'ils ont déjà un compte ici.
          </p>`
        : html`<p>ProConnect n'est pas configuré sur ce serveur : ces réglages serviront quand il le sera.</p>`
    }
    <form method="post" action="${url(ctx, '/agent/admin/proconnect')}" novalidate>
      ${csrfField(ctx)}
      ${field('sirets', 'SIRET des établissements', 'Un par ligne, 14 chiffres (SIREN de la commune suivi du NIC).', pc.sirets)}
      ${field('domains', 'Domaines des adresses électroniques', 'Un par ligne, par exemple mairie-ville.fr.', pc.domains)}
      <button type="submit" class="button secondary">Enregistrer</button>
    </form>`;
}

export function adminAgentsPage(ctx: PageContext, input: AdminAgentsPageInput): SafeHtml {
  const { values, errors } = input.invite;
  const err = (f: string) => errors.find((e) => e.field === f);
  const fieldClass = (f: string) => `field${err(f) ? ' field-error' : ''}`;
  const message = (f: string) =>
    err(f) ? html`<span class="error-message" id="${f}-error">${err(f)!.message}</span>` : '';
  const aria = (f: string) => (err(f) ? html`aria-describedby="${f}-error" aria-invalid="true"` : '');
  const main = html`${adminNav(ctx, '/agent/admin/agents')}
    <h1>Agents</h1>
    ${errorSummary([...errors, ...input.proconnect.errors])}
    <h2>Inviter un agent</h2>
    <p>La personne reçoit un courriel avec un lien pour choisir son mot de passe. Le lien vaut 72 heures.</p>
    <form method="post" action="${url(ctx, '/agent/admin/agents/inviter')}" novalidate>
      ${csrfField(ctx)}
      <div class="${fieldClass('name')}">
        <label for="name">Nom et prénom</label>
        ${message('name')}
        <input type="text" id="name" name="name" autocomplete="off" value="${values.name}" required ${aria('name')} />
      </div>
      <div class="${fieldClass('email')}">
        <label for="email">Adresse électronique professionnelle</label>
        ${message('email')}
        <input
          type="email"
          id="email"
          name="email"
          autocomplete="off"
          spellcheck="false"
          value="${values.email}"
          required
          ${aria('email')}
        />
      </div>
      <div class="${fieldClass('role')}">
        <label for="role">Rôle</label>
        ${message('role')}
        <select id="role" name="role" ${aria('role')}>
          ${(['agent', 'supervisor', 'admin'] as AgentRole[]).map(
            (r) => html`<option value="${r}" ${attr('selected', values.role === r)}>${ROLE_LABELS[r]}</option>`,
          )}
        </select>
      </div>
      <fieldset class="${fieldClass('services')}" id="services">
        <legend>Services (un administrateur voit tous les services)</legend>
        ${message('services')} ${serviceBoxes('invite-service', input.services, values.services, err('services') ? 'services-error' : undefined)}
      </fieldset>
      <button type="submit" class="button">Envoyer l'invitation</button>
    </form>

    <h2>Double authentification</h2>
    <p>
      Elle est toujours exigée des administrateurs.
      ${
        input.requireAgent2fa
          ? 'Elle est aussi exigée des agents et des responsables de service.'
          : 'Elle est facultative pour les agents et les responsables de service.'
      }
    </p>
    <form method="post" action="${url(ctx, '/agent/admin/double-authentification')}">
      ${csrfField(ctx)}
      <input type="hidden" name="exiger" value="${input.requireAgent2fa ? 'non' : 'oui'}" />
      <button type="submit" class="button secondary">
        ${input.requireAgent2fa ? 'Ne plus l’exiger des agents' : 'L’exiger aussi des agents'}
      </button>
    </form>

    ${proconnectSection(ctx, input.proconnect)}

    <h2>Comptes (${input.agents.length})</h2>
    ${input.agents.map((a, i) => agentRow(ctx, input, a, i))}`;
  return layout(ctx, {
    title: 'Agents',
    main,
    area: 'agent',
    notice: input.notice,
    errors: [...input.invite.errors, ...input.proconnect.errors],
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Agents' }],
  });
}
