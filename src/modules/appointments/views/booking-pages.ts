import { formatDateTimeFr } from '../../../platform/format.ts';
import { html, unsafeRaw, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { siteLocation, type AppointmentDetails } from '../appointment-details.ts';
import type { MotifRow, SiteRow } from '../repository.ts';
import { dayLabel, slotDays, slotLabel, type SlotChoice } from './slot-list.ts';

const CRUMB = { label: 'Prendre rendez-vous', href: '/rendez-vous' };

export function textInput(f: {
  name: string;
  label: string;
  value: string;
  errors: readonly FieldError[];
  type?: 'text' | 'email' | 'tel' | 'date';
  autocomplete: string;
  hint?: string;
  readonly?: boolean;
  optional?: boolean;
}): SafeHtml {
  const error = errorOf(f.errors, f.name);
  const described = [f.hint ? `${f.name}-hint` : '', error ? `${f.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${f.name}">${f.label}${f.optional ? html` <span class="optional">(facultatif)</span>` : ''}</label>
    ${f.hint ? html`<span class="hint" id="${f.name}-hint">${f.hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${f.name}-error">${error}</span>` : ''}
    <input
      type="${f.type ?? 'text'}"
      id="${f.name}"
      name="${f.name}"
      value="${f.value}"
      autocomplete="${f.autocomplete}"
      ${f.readonly ? html`readonly` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
      ${error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

/** Step 0: the démarches one can book for. */
export function demarchesPage(ctx: PageContext, demarches: { slug: string; title: string }[]): SafeHtml {
  return layout(ctx, {
    title: 'Prendre rendez-vous',
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Prendre rendez-vous' }],
    main: html`<h1>Prendre rendez-vous</h1>
      <p class="lead">Choisissez votre démarche. Vous choisirez ensuite le lieu, le jour et l’heure.</p>
      <ul class="card-list">
        ${demarches.map(
          (d) => html`<li class="card"><a href="${url(ctx, `/rendez-vous/${d.slug}`)}">${d.title}</a></li>`,
        )}
      </ul>`,
  });
}

/** Step 1: the motif (when there are several) and the site. */
export function placePage(
  ctx: PageContext,
  input: { demarche: { slug: string; title: string }; motifs: MotifRow[]; sites: SiteRow[]; motifId: string },
): SafeHtml {
  const action = url(ctx, `/rendez-vous/${input.demarche.slug}/creneaux`);
  return layout(ctx, {
    title: `Rendez-vous : ${input.demarche.title}`,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, CRUMB, { label: input.demarche.title }],
    main: html`<h1>Rendez-vous : ${input.demarche.title}</h1>
      <p>Étape 1 sur 3 : le lieu.</p>
      <form method="get" action="${action}">
        ${
          input.motifs.length > 1
            ? html`<fieldset class="form-section">
              <legend>Motif du rendez-vous</legend>
              ${input.motifs.map(
                (m) => html`<div class="choice">
                  <input type="radio" id="motif-${m.id}" name="motif" value="${m.id}" ${m.id === input.motifId ? html`checked` : ''} />
                  <label for="motif-${m.id}">${m.name} (${m.durationMinutes} min)</label>
                </div>`,
              )}
            </fieldset>`
            : html`<input type="hidden" name="motif" value="${input.motifId}" />
              <p>Motif : ${input.motifs[0]?.name} (${input.motifs[0]?.durationMinutes} minutes).</p>`
        }
        <fieldset class="form-section">
          <legend>Lieu</legend>
          <div class="choice">
            <input type="radio" id="site-tous" name="site" value="" checked />
            <label for="site-tous">Peu importe : le premier créneau libre</label>
          </div>
          ${input.sites.map(
            (s) => html`<div class="choice">
              <input type="radio" id="site-${s.id}" name="site" value="${s.id}" aria-describedby="site-${s.id}-hint" />
              <label for="site-${s.id}">${s.name}</label>
              <span class="hint" id="site-${s.id}-hint">${siteLocation({ ...s, postalCode: s.postal_code, accessInfo: s.access_info })}. ${s.opening_hours}</span>
            </div>`,
          )}
        </fieldset>
        <button type="submit" class="button">Voir les jours et les heures</button>
      </form>`,
  });
}

export interface SlotsPageInput {
  demarche: { slug: string; title: string };
  motif: MotifRow;
  site: SiteRow | null;
  from: string;
  to: string;
  previous: string | null;
  next: string;
  slots: SlotChoice[];
  /** Days of the week shown that are open but full: the waiting list may be joined for them. */
  fullDays: string[];
  waitlist: {
    values: { jour: string; prenom: string; nom: string; courriel: string };
    errors: FieldError[];
    done: boolean;
  };
}

/** Step 2: a week of free times; a tap on one goes to the last step. */
export function slotsPage(ctx: PageContext, input: SlotsPageInput): SafeHtml {
  const base = `/rendez-vous/${input.demarche.slug}`;
  const query = (from: string) =>
    url(ctx, `${base}/creneaux?motif=${input.motif.id}&site=${input.site?.id ?? ''}&du=${from}`);
  const link = (s: SlotChoice) => url(ctx, `${base}/coordonnees?creneau=${encodeURIComponent(s.id)}`);
  const w = input.waitlist;
  return layout(ctx, {
    title: `Choisir un créneau : ${input.demarche.title}`,
    errors: w.errors,
    notice: w.done ? 'Vous êtes inscrit sur la liste d’attente. Nous vous écrirons si une place se libère.' : undefined,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      CRUMB,
      { label: input.demarche.title, href: base },
      { label: 'Créneaux' },
    ],
    main: html`${errorSummary(w.errors)}
      <h1>Choisir un créneau</h1>
      <p>Étape 2 sur 3 : le jour et l’heure. ${input.motif.name}, ${input.site ? input.site.name : 'tous les lieux'}.</p>
      <p><a href="${url(ctx, base)}">Changer de lieu</a></p>
      <h2>Du ${dayLabel(input.from)} au ${dayLabel(input.to)}</h2>
      ${slotDays(input.slots, { link, showSite: input.site === null })}
      <nav aria-label="Autres semaines">
        <ul class="pagination">
          ${input.previous ? html`<li><a href="${query(input.previous)}">Semaine précédente</a></li>` : ''}
          <li><a href="${query(input.next)}">Semaine suivante</a></li>
        </ul>
      </nav>
      ${
        input.motif.waitingList && input.fullDays.length > 0
          ? html`<section aria-labelledby="attente">
            <h2 id="attente">Un jour est complet ?</h2>
            <p>
              Inscrivez-vous sur la liste d’attente : si une place se libère ce jour-là, nous vous l’écrivons. Vous recevez au
              plus une proposition par jour, et trois en tout.
            </p>
            <form method="post" action="${url(ctx, `${base}/liste-attente`)}" novalidate>
              ${csrfField(ctx)}
              <input type="hidden" name="motif" value="${input.motif.id}" />
              <input type="hidden" name="site" value="${input.site?.id ?? ''}" />
              <div class="field${errorOf(w.errors, 'jour') ? ' field-error' : ''}">
                <label for="jour">Jour complet</label>
                ${errorOf(w.errors, 'jour') ? html`<span class="error-message" id="jour-error">${errorOf(w.errors, 'jour')}</span>` : ''}
                <select id="jour" name="jour">
                  ${input.fullDays.map((d) => html`<option value="${d}" ${w.values.jour === d ? html`selected` : ''}>${dayLabel(d)}</option>`)}
                </select>
              </div>
              ${textInput({ name: 'prenom', label: 'Prénom', value: w.values.prenom, errors: w.errors, autocomplete: 'given-name' })}
              ${textInput({ name: 'nom', label: 'Nom', value: w.values.nom, errors: w.errors, autocomplete: 'family-name' })}
              ${textInput({ name: 'courriel', label: 'Adresse électronique', type: 'email', value: w.values.courriel, errors: w.errors, autocomplete: 'email' })}
              <button type="submit" class="button">M’inscrire sur la liste d’attente</button>
            </form>
          </section>`
          : ''
      }`,
  });
}

export interface DetailsPageInput {
  demarche: { slug: string; title: string };
  motif: MotifRow;
  slot: SlotChoice & { siteAddress: string };
  slotId: string;
  checklist: string[];
  values: { prenom: string; nom: string; courriel: string; telephone: string; sms: boolean };
  errors: FieldError[];
  verified: boolean;
  signedIn: boolean;
  /** Why this slot is shown (the one chosen was just taken). */
  notice?: string;
}

/** Step 3: who is coming; the signed-in citizen's profile (or FranceConnect identity) pre-fills it. */
export function detailsPage(ctx: PageContext, input: DetailsPageInput): SafeHtml {
  const base = `/rendez-vous/${input.demarche.slug}`;
  const v = input.values;
  return layout(ctx, {
    title: `Vos coordonnées : ${input.demarche.title}`,
    errors: input.errors,
    ...(input.notice ? { notice: input.notice } : {}),
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      CRUMB,
      { label: input.demarche.title, href: base },
      { label: 'Coordonnées' },
    ],
    main: html`${errorSummary(input.errors)}
      <h1>Vos coordonnées</h1>
      <p>Étape 3 sur 3.</p>
      <dl class="facts">
        <dt>Rendez-vous</dt>
        <dd>${input.motif.name}</dd>
        <dt>Quand</dt>
        <dd>${slotLabel(input.slot.start)} (${input.motif.durationMinutes} minutes)</dd>
        <dt>Où</dt>
        <dd>${input.motif.mode === 'phone' ? 'Par téléphone : la mairie vous appelle' : input.slot.siteAddress}</dd>
      </dl>
      <p><a href="${url(ctx, `${base}/creneaux?motif=${input.motif.id}`)}">Choisir un autre créneau</a></p>
      ${
        input.checklist.length
          ? html`<h2>Ce qu’il faut apporter</h2>
            <ul>
              ${input.checklist.map((c) => html`<li>${c}</li>`)}
            </ul>`
          : ''
      }
      ${
        !input.signedIn
          ? html`<p>
            <a href="${url(ctx, `/connexion?retour=${encodeURIComponent(`${base}/coordonnees?creneau=${input.slotId}`)}`)}"
              >Se connecter</a
            >
            pour remplir ce formulaire avec votre profil (compte ou FranceConnect).
          </p>`
          : ''
      }
      <form method="post" action="${url(ctx, `${base}/coordonnees`)}" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="creneau" value="${input.slotId}" />
        ${input.verified ? html`<p class="identity-verified">Identité vérifiée par FranceConnect</p>` : ''}
        ${textInput({ name: 'prenom', label: 'Prénom', value: v.prenom, errors: input.errors, autocomplete: 'given-name', readonly: input.verified })}
        ${textInput({ name: 'nom', label: 'Nom', value: v.nom, errors: input.errors, autocomplete: 'family-name', readonly: input.verified })}
        ${textInput({
          name: 'courriel',
          label: 'Adresse électronique',
          type: 'email',
          value: v.courriel,
          errors: input.errors,
          autocomplete: 'email',
          hint: 'La confirmation, le rappel et le lien pour annuler y sont envoyés.',
        })}
        ${textInput({
          name: 'telephone',
          label: 'Téléphone portable',
          type: 'tel',
          value: v.telephone,
          errors: input.errors,
          autocomplete: 'tel',
          optional: true,
          hint: 'Par exemple 06 12 34 56 78.',
        })}
        <div class="checkbox">
          <input type="checkbox" id="sms" name="sms" value="oui" ${v.sms ? html`checked` : ''} />
          <label for="sms">Recevoir aussi la confirmation et les rappels par SMS</label>
        </div>
        <button type="submit" class="button">Confirmer le rendez-vous</button>
      </form>`,
  });
}

/** The appointment's own page, reached from the mailed link: details, .ics, cancel, move. */
export function managePage(
  ctx: PageContext,
  input: {
    a: AppointmentDetails;
    token: string;
    changeable: boolean;
    linkUsed: boolean;
    notice?: string;
    /** The check-in QR code (modules/counter), as an SVG document: shown at the reception desk. */
    checkInQr?: string;
  },
): SafeHtml {
  const a = input.a;
  const base = `/rendez-vous/gerer/${input.token}`;
  const cancelled = a.status === 'cancelled';
  return layout(ctx, {
    title: `Rendez-vous ${a.reference}`,
    notice: input.notice,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, CRUMB, { label: a.reference }],
    main: html`<h1>${cancelled ? 'Rendez-vous annulé' : 'Votre rendez-vous'}</h1>
      <dl class="facts">
        <dt>Référence</dt>
        <dd class="reference">${a.reference}</dd>
        <dt>Démarche</dt>
        <dd>${a.demarche.title} – ${a.motif.name}</dd>
        <dt>Quand</dt>
        <dd>${slotLabel(a.start)}</dd>
        <dt>Où</dt>
        <dd>${a.motif.mode === 'phone' ? 'Par téléphone' : siteLocation(a.site)}</dd>
        <dt>Au nom de</dt>
        <dd>${a.givenName} ${a.familyName}</dd>
      </dl>
      ${!cancelled && a.site.accessInfo ? html`<p>${a.site.accessInfo}</p>` : ''}
      ${
        input.checkInQr
          ? html`<h2>À votre arrivée</h2>
              <p>Montrez ce code à l’accueil, ou donnez la référence ${a.reference}.</p>
              <figure class="qr-code">
                ${unsafeRaw(
                  input.checkInQr.replace(
                    '<svg ',
                    `<svg role="img" aria-label="Code QR du rendez-vous ${a.reference}" width="180" height="180" `,
                  ),
                )}
              </figure>`
          : ''
      }
      ${
        !cancelled && a.checklist.length
          ? html`<h2>Ce qu’il faut apporter</h2>
            <ul>
              ${a.checklist.map((c) => html`<li>${c}</li>`)}
            </ul>`
          : ''
      }
      ${!cancelled ? html`<p><a href="${url(ctx, `${base}/rendez-vous.ics`)}">Ajouter à mon agenda (fichier .ics)</a></p>` : ''}
      ${
        input.linkUsed && !cancelled
          ? html`<p class="warning">Ce lien a déjà servi. Pour changer ce rendez-vous, utilisez le lien du dernier courriel reçu.</p>`
          : ''
      }
      ${
        input.changeable && !input.linkUsed
          ? html`<h2>Un empêchement ?</h2>
            <p><a class="button" href="${url(ctx, `${base}/deplacer`)}">Déplacer le rendez-vous</a></p>
            <form method="post" action="${url(ctx, `${base}/annuler`)}">
              ${csrfField(ctx)}
              <button type="submit" class="button" name="confirmer" value="oui">Annuler le rendez-vous</button>
            </form>`
          : !cancelled
            ? html`<p>Pour changer ce rendez-vous maintenant, appelez le ${a.site.phone || 'la mairie'}.</p>`
            : html`<p><a href="${url(ctx, `/rendez-vous/${a.demarche.slug}`)}">Prendre un autre rendez-vous</a></p>`
      }`,
  });
}

/** Moving: the free times of the coming weeks for the same motif. */
export function movePage(
  ctx: PageContext,
  input: {
    a: AppointmentDetails;
    token: string;
    slots: SlotChoice[];
    errors: FieldError[];
    next: string;
    from: string;
  },
): SafeHtml {
  const base = `/rendez-vous/gerer/${input.token}`;
  return layout(ctx, {
    title: `Déplacer le rendez-vous ${input.a.reference}`,
    errors: input.errors,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      CRUMB,
      { label: input.a.reference, href: base },
      { label: 'Déplacer' },
    ],
    main: html`${errorSummary(input.errors)}
      <h1>Déplacer le rendez-vous</h1>
      <p>Rendez-vous actuel : ${formatDateTimeFr(input.a.start)}. Choisissez le nouveau créneau.</p>
      <form method="post" action="${url(ctx, `${base}/deplacer`)}" novalidate>
        ${csrfField(ctx)} ${slotDays(input.slots, { showSite: true, radioName: 'creneau' })}
        <button type="submit" class="button">Déplacer à ce créneau</button>
      </form>
      <p><a href="${url(ctx, `${base}/deplacer?du=${input.next}`)}">Voir la semaine suivante</a></p>`,
  });
}

/** A freed place offered to someone of the waiting list. */
export function offerPage(
  ctx: PageContext,
  input: { token: string; start: Date; motifName: string; siteName: string; available: boolean },
): SafeHtml {
  return layout(ctx, {
    title: 'Une place s’est libérée',
    breadcrumbs: [{ label: 'Accueil', href: '/' }, CRUMB, { label: 'Place libérée' }],
    main: html`<h1>Une place s’est libérée</h1>
      <p>${input.motifName}, ${slotLabel(input.start)}, ${input.siteName}.</p>
      ${
        input.available
          ? html`<form method="post" action="${url(ctx, `/rendez-vous/offre/${input.token}`)}">
            ${csrfField(ctx)}
            <button type="submit" class="button" name="confirmer" value="oui">Réserver cette place</button>
          </form>`
          : html`<p class="warning">Cette place a déjà été réservée par quelqu’un d’autre.</p>`
      }`,
  });
}
