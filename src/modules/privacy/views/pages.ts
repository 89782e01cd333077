import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { formatBytes, formatDateTimeFr } from '../../../platform/format.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { accessLogSentence, type AccessLogRow } from '../access-log.ts';
import type { ConsentRow } from '../consents.ts';
import type { DpoContact, DpoFormValues } from '../dpo.ts';
import type { MyDocument } from '../my-documents.ts';
import type { ErasureAssessment } from '../erasure.ts';
import type { ProcessingRegister } from '../register.ts';

const when = (d: Date | string) => formatDateTimeFr(d);

function consentItem(ctx: PageContext, c: ConsentRow): SafeHtml {
  const where = c.request_reference
    ? html`demande ${c.request_reference}${c.demarche_title ? html` (${c.demarche_title})` : ''}`
    : c.demarche_title
      ? html`${c.demarche_title}`
      : html`votre compte`;
  return html`<li>
    <p>« ${c.wording} »</p>
    <dl class="facts">
      <dt>Donné le</dt>
      <dd>${when(c.given_at)}</dd>
      <dt>Pour</dt>
      <dd>${where}</dd>
      <dt>État</dt>
      <dd>
        ${
          c.withdrawn_at
            ? html`<span class="tag">Retiré le ${when(c.withdrawn_at)}</span>`
            : c.withdrawable
              ? html`En vigueur`
              : html`En vigueur : cet accord est une condition de la démarche, il ne peut pas être retiré. Vous pouvez
                  demander l’effacement de vos données (plus bas sur cette page).`
        }
      </dd>
    </dl>
    ${
      !c.withdrawn_at && c.withdrawable
        ? html`<form method="post" action="${url(ctx, `/mon-espace/donnees/consentements/${c.id}/retrait`)}">
            ${csrfField(ctx)}
            <button type="submit" class="button button-secondary">Retirer cet accord</button>
          </form>`
        : ''
    }
  </li>`;
}

export function myDataPage(
  ctx: PageContext,
  input: {
    accessLog: AccessLogRow[];
    consents: ConsentRow[];
    documents: MyDocument[];
    dpo: DpoContact;
    pendingErasure: { requested_at: Date } | null;
    notice?: string;
  },
): SafeHtml {
  const main = html`<h1>Mes données personnelles</h1>
    <p>Vous pouvez voir, télécharger ou faire effacer les informations que la mairie conserve sur vous.</p>

    <h2>Télécharger mes données</h2>
    <p>Tout ce que la mairie conserve sur vous : votre compte, vos demandes, vos messages, vos accords et l’historique des consultations.</p>
    <ul>
      <li><a href="${url(ctx, '/mon-espace/donnees/export.pdf')}" download>Télécharger mes données en PDF</a> (facile à lire et à imprimer)</li>
      <li><a href="${url(ctx, '/mon-espace/donnees/export.json')}" download>Télécharger mes données en JSON</a> (pour les réutiliser dans un autre service)</li>
    </ul>

    <h2 id="documents">Mes documents</h2>
    ${
      input.documents.length === 0
        ? html`<p>Vous n’avez envoyé aucun document avec vos demandes.</p>`
        : html`<div class="table-wrap">
            <table class="table">
              <caption>
                Les documents envoyés avec vos demandes
              </caption>
              <thead>
                <tr>
                  <th scope="col">Document</th>
                  <th scope="col">Demande</th>
                  <th scope="col">Envoyé le</th>
                </tr>
              </thead>
              <tbody>
                ${input.documents.map(
                  (d) =>
                    html`<tr>
                      <td>
                        <a href="${url(ctx, `/mon-espace/donnees/documents/${d.id}`)}" download
                          >Télécharger ${d.filename}</a
                        >
                        (${formatBytes(d.sizeBytes)})
                      </td>
                      <td>${d.requestReference} – ${d.demarcheTitle}</td>
                      <td>${when(d.addedAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }

    <h2 id="consultations">Qui a consulté mes données</h2>
    ${
      input.accessLog.length === 0
        ? html`<p>Personne n’a consulté vos données pour le moment.</p>`
        : html`<table class="table">
            <caption>
              Consultations de vos données, de la plus récente à la plus ancienne (un an d’historique)
            </caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Consultation</th>
              </tr>
            </thead>
            <tbody>
              ${input.accessLog.map((e) => html`<tr><td>${when(e.at)}</td><td>${accessLogSentence(e)}</td></tr>`)}
            </tbody>
          </table>`
    }

    <h2 id="accords">Mes accords</h2>
    ${
      input.consents.length === 0
        ? html`<p>Vous n’avez donné aucun accord particulier.</p>`
        : html`<p>
              Les accords que vous avez donnés en faisant vos démarches. Vous pouvez retirer un accord facultatif à tout
              moment : la mairie ne l’utilise plus à partir de ce moment. Ce qui a été fait avant reste valable. La mairie
              garde la trace de votre accord et de son retrait.
            </p>
            <ul class="session-list">
              ${input.consents.map((c) => consentItem(ctx, c))}
            </ul>`
    }

    <h2>Effacer mon compte et mes données</h2>
    ${
      input.pendingErasure
        ? html`<p>
            Vous avez demandé l’effacement de vos données le ${when(input.pendingErasure.requested_at)}. Un agent examine
            votre demande ; vous recevrez sa réponse par courriel.
          </p>`
        : html`<p>Votre compte sera supprimé et vos demandes ne contiendront plus aucune information sur vous.</p>
            <p><a class="button" href="${url(ctx, '/mon-espace/donnees/effacement')}">Demander l’effacement</a></p>`
    }

    <h2>Une question sur vos données ?</h2>
    ${dpoContact(input.dpo)}`;
  return layout(ctx, {
    title: 'Mes données personnelles',
    main,
    notice: input.notice,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Mon espace', href: '/mon-espace' },
      { label: 'Mes données' },
    ],
  });
}

/** How to reach the data protection officer, for the citizen. */
export function dpoContact(dpo: DpoContact): SafeHtml {
  return html`<p>Écrivez au délégué à la protection des données de la mairie${dpo.declared ? html` : ${dpo.name}` : ''}.</p>
    <ul>
      ${dpo.email ? html`<li>Par courriel : <a href="mailto:${dpo.email}">${dpo.email}</a></li>` : ''}
      ${
        dpo.postalAddress
          ? html`<li>
              Par courrier : ${dpo.declared ? '' : 'à l’attention du délégué à la protection des données, '}${dpo.postalAddress.join(', ')}
            </li>`
          : ''
      }
    </ul>`;
}

export function erasureConfirmPage(
  ctx: PageContext,
  input: { assessment: ErasureAssessment; errors: FieldError[] },
): SafeHtml {
  const a = input.assessment;
  const main = html`${errorSummary(input.errors)}
    <h1>Effacer mon compte et mes données</h1>
    ${
      a.immediate
        ? html`<p>Si vous confirmez :</p>
            <ul>
              <li>votre compte est supprimé tout de suite et vous êtes déconnecté ;</li>
              <li>vos anciennes demandes ne contiennent plus aucune information sur vous ;</li>
              <li>vous ne pourrez pas revenir en arrière.</li>
            </ul>`
        : html`<p>La mairie doit garder certaines informations pour le moment :</p>
            <ul>
              ${a.grounds.map((g) => html`<li>${g}</li>`)}
            </ul>
            <p>
              Si vous confirmez, votre demande d’effacement est transmise à un agent. Il l’accepte ou vous explique pourquoi
              il ne peut pas, par courriel.
            </p>`
    }
    <form method="post" action="${url(ctx, '/mon-espace/donnees/effacement')}" novalidate>
      ${csrfField(ctx)}
      <div class="field${input.errors.length ? ' field-error' : ''}">
        ${input.errors.map((e) => html`<p class="error-message" id="confirmation-erreur">${e.message}</p>`)}
        <input type="checkbox" id="confirmation" name="confirmation" value="oui"
          ${input.errors.length ? html`aria-describedby="confirmation-erreur"` : ''} />
        <label for="confirmation">Je confirme vouloir effacer mon compte et mes données.</label>
      </div>
      <button type="submit" class="button">${a.immediate ? 'Effacer mon compte' : 'Envoyer ma demande d’effacement'}</button>
    </form>
    <p><a href="${url(ctx, '/mon-espace/donnees')}">Annuler et revenir à mes données</a></p>`;
  return layout(ctx, {
    title: 'Effacer mon compte',
    main,
    errors: input.errors,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Mes données', href: '/mon-espace/donnees' },
      { label: 'Effacement' },
    ],
  });
}

export function erasedPage(ctx: PageContext): SafeHtml {
  return layout(ctx, {
    title: 'Vos données sont effacées',
    main: html`<h1>Vos données sont effacées</h1>
      <p>Votre compte est supprimé et vos demandes ne contiennent plus aucune information sur vous.</p>
      <p>Vous pouvez toujours faire vos démarches sans compte.</p>
      <p><a href="${url(ctx, '/')}">Revenir à l’accueil</a></p>`,
  });
}

export interface ErasureListItem {
  id: string;
  citizen_name: string | null;
  grounds: string;
  status: 'pending' | 'approved' | 'refused';
  requested_at: Date;
  decided_at: Date | null;
  decision_reason: string | null;
}

export function erasureListPage(
  ctx: PageContext,
  input: { items: ErasureListItem[]; errors: FieldError[]; errorFor?: string; reason?: string; notice?: string },
): SafeHtml {
  const pending = input.items.filter((i) => i.status === 'pending');
  const decided = input.items.filter((i) => i.status !== 'pending');
  const main = html`${errorSummary(input.errors)}
    <h1>Demandes d’effacement de données</h1>
    <p>
      Ces usagers demandent l’effacement de leurs données alors qu’une demande est en cours ou encore dans sa durée de
      conservation. Acceptez si rien n’oblige la mairie à les garder ; sinon, refusez en expliquant pourquoi.
    </p>
    <h2>À traiter (${pending.length})</h2>
    ${pending.length === 0 ? html`<p>Aucune demande à traiter.</p>` : ''}
    ${pending.map(
      (i) => html`<section class="card" aria-labelledby="eff-${i.id}">
        <h3 id="eff-${i.id}">${i.citizen_name ?? 'Usager'} – demandé le ${when(i.requested_at)}</h3>
        <p>Motifs de conservation :</p>
        <ul>
          ${i.grounds.split('\n').map((g) => html`<li>${g}</li>`)}
        </ul>
        <form method="post" action="${url(ctx, `/agent/rgpd/effacements/${i.id}`)}" novalidate>
          ${csrfField(ctx)}
          <div class="field">
            <label for="motif">Message au demandeur (obligatoire en cas de refus)</label>
            ${
              input.errorFor === i.id
                ? input.errors.map((e) => html`<p class="error-message" id="motif-erreur">${e.message}</p>`)
                : ''
            }
            <textarea id="motif" name="motif" rows="3"
              ${input.errorFor === i.id ? html`aria-describedby="motif-erreur"` : ''}>${input.errorFor === i.id ? (input.reason ?? '') : ''}</textarea>
          </div>
          <button type="submit" class="button" name="decision" value="approve">Accepter et effacer</button>
          <button type="submit" class="button button-secondary" name="decision" value="refuse">Refuser</button>
        </form>
      </section>`,
    )}
    <h2>Déjà traitées</h2>
    ${
      decided.length === 0
        ? html`<p>Aucune.</p>`
        : html`<ul>
            ${decided.map(
              (i) =>
                html`<li>
                  Demandée le ${when(i.requested_at)} : ${i.status === 'approved' ? 'acceptée' : 'refusée'}
                  le ${i.decided_at ? when(i.decided_at) : ''}${i.decision_reason ? html` (${i.decision_reason})` : ''}
                </li>`,
            )}
          </ul>`
    }`;
  return layout(ctx, {
    title: 'Demandes d’effacement',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
  });
}

export function processingRegisterPage(ctx: PageContext, register: ProcessingRegister): SafeHtml {
  const main = html`${adminNav(ctx, '/agent/rgpd/registre')}
    <h1>Registre des activités de traitement</h1>
    <p>
      Établi à partir du catalogue des démarches (article 30 du RGPD). Responsable du traitement :
      ${register.controller.name}${register.controller.address ? html`, ${register.controller.address}` : ''}.
    </p>
    <h2>Délégué à la protection des données</h2>
    <dl class="facts">
      <dt>Nom ou fonction</dt>
      <dd>${register.dpo.name}</dd>
      <dt>Courriel</dt>
      <dd>${register.dpo.email ?? 'non indiqué'}</dd>
      <dt>Adresse postale</dt>
      <dd>${register.dpo.postalAddress ?? 'non indiquée'}</dd>
    </dl>
    ${
      register.dpo.declared
        ? ''
        : html`<p>
            Aucun délégué n’est déclaré : les coordonnées de la collectivité sont utilisées.
            <a href="${url(ctx, '/agent/admin/protection-des-donnees')}">Indiquer le délégué à la protection des données</a>
          </p>`
    }
    <ul>
      <li><a href="${url(ctx, '/agent/rgpd/registre.csv')}" download>Télécharger le registre (CSV, tableur)</a></li>
      <li><a href="${url(ctx, '/agent/rgpd/registre.json')}" download>Télécharger le registre (JSON)</a></li>
    </ul>
    ${register.activities.map(
      (a) => html`<section>
        <h2>${a.name}</h2>
        <dl>
          <dt>Finalités</dt>
          ${a.purposes.map((p) => html`<dd>${p}</dd>`)}
          <dt>Bases légales</dt>
          ${a.legalBases.map((p) => html`<dd>${p}</dd>`)}
          <dt>Catégories de données</dt>
          <dd>${a.dataCategories.join(', ')}</dd>
          <dt>Personnes concernées</dt>
          <dd>${a.dataSubjects.join(', ')}</dd>
          <dt>Destinataires</dt>
          <dd>${a.recipients.join(', ')}</dd>
          <dt>Durées de conservation</dt>
          ${
            a.retention.length
              ? a.retention.map((r) => html`<dd>${r.demarche} : ${r.months} mois après la clôture</dd>`)
              : html`<dd>Jusqu’à la suppression du compte</dd>`
          }
          <dt>Mesures de sécurité</dt>
          <dd>${a.securityMeasures.join(' ; ')}</dd>
        </dl>
      </section>`,
    )}`;
  return layout(ctx, { title: 'Registre des traitements', main, area: 'agent' });
}

export function dpoSettingsPage(
  ctx: PageContext,
  input: { values: DpoFormValues; errors: FieldError[]; fallback: DpoContact; notice?: string },
): SafeHtml {
  const err = (f: string) => input.errors.find((e) => e.field === f);
  const fieldClass = (f: string) => `field${err(f) ? ' field-error' : ''}`;
  const message = (f: string) =>
    err(f) ? html`<span class="error-message" id="${f}-error">${err(f)!.message}</span>` : '';
  const described = (f: string) =>
    html`aria-describedby="${f}-hint${err(f) ? ` ${f}-error` : ''}" ${err(f) ? html`aria-invalid="true"` : ''}`;
  const fb = input.fallback;
  const main = html`${adminNav(ctx, '/agent/admin/protection-des-donnees')} ${errorSummary(input.errors)}
    <h1>Protection des données</h1>
    <p>
      Indiquez le délégué à la protection des données (DPO) que la collectivité a désigné. Ses coordonnées figurent sur
      la page « Données personnelles » du site, dans le registre des traitements et dans les données que les usagers
      téléchargent.
    </p>
    <p>
      Un champ laissé vide reprend les coordonnées de la collectivité : « ${fb.name} »${fb.email ? html`, ${fb.email}` : ''}${fb.postalAddress ? html`, ${fb.postalAddress.join(', ')}` : ''}.
    </p>
    <form method="post" action="${url(ctx, '/agent/admin/protection-des-donnees')}" novalidate>
      ${csrfField(ctx)}
      <div class="${fieldClass('dpo_nom')}">
        <label for="dpo_nom">Nom ou fonction <span class="optional">(facultatif)</span></label>
        <span class="hint" id="dpo_nom-hint"
          >Par exemple « Délégué à la protection des données du centre de gestion » ou le nom de la personne.</span
        >
        ${message('dpo_nom')}
        <input type="text" id="dpo_nom" name="dpo_nom" autocomplete="off" value="${input.values.name}" ${described('dpo_nom')} />
      </div>
      <div class="${fieldClass('dpo_courriel')}">
        <label for="dpo_courriel">Adresse électronique <span class="optional">(facultatif)</span></label>
        <span class="hint" id="dpo_courriel-hint">Une adresse de fonction, par exemple dpo@mairie-ville.fr.</span>
        ${message('dpo_courriel')}
        <input
          type="email"
          id="dpo_courriel"
          name="dpo_courriel"
          autocomplete="off"
          spellcheck="false"
          value="${input.values.email}"
          ${described('dpo_courriel')}
        />
      </div>
      <div class="${fieldClass('dpo_adresse')}">
        <label for="dpo_adresse">Adresse postale <span class="optional">(facultatif)</span></label>
        <span class="hint" id="dpo_adresse-hint">Sur plusieurs lignes, comme sur une enveloppe.</span>
        ${message('dpo_adresse')}
        <textarea id="dpo_adresse" name="dpo_adresse" rows="4" ${described('dpo_adresse')}>
${input.values.postalAddress}</textarea
        >
      </div>
      <button type="submit" class="button">Enregistrer</button>
    </form>
    <p><a href="${url(ctx, '/agent/rgpd/registre')}">Voir le registre des traitements</a></p>`;
  return layout(ctx, {
    title: 'Protection des données',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
  });
}
