import type { AccessLogAction } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { formatFilingDateTime } from '../../requests/receipt-pdf.ts';
import { ACCESS_ACTION_LABELS, type AccessLogRow } from '../access-log.ts';
import type { ConsentRow } from '../consents.ts';
import type { ErasureAssessment } from '../erasure.ts';
import type { ProcessingRegister } from '../register.ts';

export interface FieldError {
  field: string;
  message: string;
}

const when = (d: Date | string) => formatFilingDateTime(new Date(d));

function accessLine(e: AccessLogRow): string {
  const ref = e.request_reference ? ` ${e.request_reference}` : '';
  if (e.actor_kind === 'citizen') {
    const own: Record<AccessLogAction, string> = {
      view_request: 'Vous avez consulté la demande',
      download_document: 'Vous avez téléchargé un document de la demande',
      export: 'Vous avez téléchargé vos données',
      erasure: 'Vous avez demandé l’effacement de vos données',
    };
    return `${own[e.action]}${ref}`;
  }
  const who = e.actor_kind === 'agent' ? `${e.actor_label} (agent de la mairie)` : e.actor_label;
  return `${who} ${ACCESS_ACTION_LABELS[e.action]}${ref}`;
}

export function myDataPage(
  ctx: PageContext,
  input: {
    accessLog: AccessLogRow[];
    consents: ConsentRow[];
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
              ${input.accessLog.map((e) => html`<tr><td>${when(e.at)}</td><td>${accessLine(e)}</td></tr>`)}
            </tbody>
          </table>`
    }

    <h2>Mes accords</h2>
    ${
      input.consents.length === 0
        ? html`<p>Vous n’avez donné aucun accord particulier.</p>`
        : html`<ul>
            ${input.consents.map(
              (c) =>
                html`<li>
                  Le ${when(c.given_at)}${c.request_reference ? html`, demande ${c.request_reference}` : ''} : « ${c.wording} »
                </li>`,
            )}
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
    }`;
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
  return layout(ctx, { title: 'Demandes d’effacement', main, area: 'agent', notice: input.notice });
}

export function registerPage(ctx: PageContext, register: ProcessingRegister): SafeHtml {
  const main = html`<h1>Registre des activités de traitement</h1>
    <p>
      Établi à partir du catalogue des démarches (article 30 du RGPD). Responsable du traitement :
      ${register.controller.name}${register.controller.address ? html`, ${register.controller.address}` : ''}. Contact
      pour la protection des données : ${register.dpo.contact ?? 'à désigner'}.
    </p>
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
