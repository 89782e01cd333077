import { PdfLayout } from '../../platform/pdf/document.ts';
import { statusLabelForCitizen } from './status-label.ts';
import { formatBytes, formatDateFr, formatDateTimeFr } from '../../platform/format.ts';
import { accessLogSentence } from './access-log.ts';
import type { CitizenDataExport, RequestDataExport } from './export-data.ts';

/** A stored preference (a word, a list of words) as text. */
function preferenceText(value: unknown): string {
  if (value === true) return 'Oui';
  if (value === false) return 'Non';
  if (value === null || value === undefined || value === '') return 'Non renseigné';
  if (Array.isArray(value)) return value.map(preferenceText).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k} : ${preferenceText(v)}`)
      .join(' ; ');
  }
  return String(value);
}

const when = (isoString: string | null) => (isoString ? formatDateTimeFr(new Date(isoString)) : '—');

/**
 * The same content as the JSON export, laid out for reading and printing: the citizen should
 * not need a program to know what the commune holds about them. A citizen's export covers their
 * account; a request's export (tracking code, no account) covers that request only.
 */
export async function renderDataExportPdf(data: CitizenDataExport | RequestDataExport): Promise<Uint8Array> {
  const account = data.scope === 'account' ? data : null;
  const title =
    data.scope === 'account'
      ? 'Vos données personnelles'
      : `Vos données personnelles – demande ${data.requests[0]?.reference ?? ''}`.trim();
  const l = await PdfLayout.create({
    title: `${title} – ${data.controller.name}`,
    author: data.controller.name,
    now: new Date(data.generatedAt),
  });
  const { body, strong, muted } = l;
  const section = (name: string) => l.section(name);
  const line = (label: string, value: string | null | undefined) => l.keyValue(label, value);

  l.text(data.controller.name, { font: l.bold, size: 12 });
  l.space(12);
  l.text(title, { font: l.bold, size: 18 });
  l.text(`Document établi le ${when(data.generatedAt)}.`, muted);
  l.text(
    account
      ? 'Ce document contient toutes les informations que la mairie conserve sur vous dans son guichet en ligne.'
      : 'Ce document contient toutes les informations que la mairie conserve sur cette demande dans son guichet en ligne.',
    body,
  );
  const dpo = data.controller.dpo;
  l.text(
    `Pour exercer vos droits ou pour toute question sur vos données : ${dpo.name}${dpo.email ? `, ${dpo.email}` : ''}${dpo.postalAddress ? `, ${dpo.postalAddress.join(', ')}` : ''}.`,
    muted,
  );

  if (account) {
    section('Votre compte');
    const a = account.account;
    line('Prénom', a.givenName);
    line('Nom', a.familyName);
    if (a.preferredUsername) line('Nom d’usage', a.preferredUsername);
    line('Adresse électronique', a.email);
    line('Date de naissance', a.birthdate ? formatDateFr(a.birthdate) : null);
    if (a.birthplace) line('Lieu de naissance (code)', a.birthplace);
    line('Compte FranceConnect lié', a.franceconnectLinked ? 'oui' : 'non');
    line('Compte créé le', when(a.createdAt));
    line('Dernière connexion', when(a.lastLoginAt));

    section('Vos préférences');
    const prefs = Object.entries(account.preferences);
    if (prefs.length === 0) l.text('Aucune préférence enregistrée.', body);
    for (const [k, v] of prefs) line(k, preferenceText(v));

    const r = account.record;
    if (r) {
      section('Votre fiche à la mairie');
      line('Nom', r.name || null);
      line('Date de naissance', r.birthdate ? formatDateFr(r.birthdate) : null);
      line('Adresse électronique', r.email);
      line('Téléphone', r.phone);
      if (r.postalAddress) line('Adresse postale', r.postalAddress);
      line('Canal préféré', r.preferredChannel);
      if (r.accessibilityNeeds) line('Besoins d’accessibilité', r.accessibilityNeeds);
      line('Identité vérifiée par FranceConnect', r.identityVerifiedBy ? 'oui' : 'non');
    }
  }

  section('Vos accords (consentements)');
  if (data.consents.length === 0) l.text('Vous n’avez donné aucun accord particulier.', body);
  for (const c of data.consents) {
    l.text(`Le ${when(c.given_at)}${c.request_reference ? `, demande ${c.request_reference}` : ''} :`, strong);
    l.text(`« ${c.wording} »`, body, { indent: 8 });
    if (c.withdrawn_at) l.text(`Retiré le ${when(c.withdrawn_at)}.`, muted, { indent: 8 });
    else if (!c.withdrawable) {
      l.text('Condition de la démarche : cet accord ne peut pas être retiré.', muted, { indent: 8 });
    }
    l.space(4);
  }

  section(account ? 'Vos demandes' : 'Votre demande');
  if (data.requests.length === 0) l.text('Aucune demande.', body);
  for (const r of data.requests) {
    l.text(`${r.reference} – ${r.demarche}`, strong, { keepWithNext: 40 });
    l.text(
      `Service : ${r.service}. Déposée le ${when(r.submittedAt)}. Statut : ${statusLabelForCitizen(r.status)}.`,
      body,
    );
    l.text('Vos réponses :', muted);
    for (const a of r.presentedAnswers) {
      l.text(`${a.label} : ${a.value}${a.verifiedBy ? ` (vérifié par ${a.verifiedBy})` : ''}`, body, { indent: 8 });
    }
    if (r.events.length > 0) l.text('Suivi :', muted);
    for (const e of r.events) {
      const what = e.statusTo ? `statut « ${statusLabelForCitizen(e.statusTo)} »` : e.kind;
      l.text(`${when(e.at)} – ${what}${e.body ? ` : ${e.body}` : ''}`, body, { indent: 8 });
    }
    if (r.documents.length > 0) l.text('Documents :', muted);
    for (const d of r.documents) l.text(`• ${d.filename} (${formatBytes(d.sizeBytes)})`, body, { indent: 8 });
    l.space(8);
  }

  if (account) {
    section('Vos sessions de connexion');
    if (account.sessions.length === 0) l.text('Aucune session ouverte.', body);
    for (const s of account.sessions) {
      l.text(
        `Ouverte le ${when(s.createdAt)} (${s.method === 'franceconnect' ? 'FranceConnect' : 'mot de passe'})`,
        body,
      );
    }
  }

  section('Qui a consulté vos données');
  if (data.accessLog.length === 0) l.text('Personne n’a consulté vos données.', body);
  for (const e of data.accessLog) {
    l.text(`${when(e.at)} – ${accessLogSentence(e)}.`, body);
  }

  if (l.replacedCharacters) {
    l.space(10);
    l.text('Certains caractères ne peuvent pas être affichés dans ce document. Ils sont remplacés par « ? ».', muted);
  }
  return l.finish(`${data.controller.name} – ${title}`);
}
