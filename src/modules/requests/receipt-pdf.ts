import { PdfLayout } from '../../platform/pdf/document.ts';
import { formatBytes, formatDateFr, formatDateTimeFr } from '../../platform/format.ts';

/**
 * The receipt ("récépissé") of a request, as a PDF the citizen can keep or print: who filed what
 * and when, the commune's commitment, the answers, and how to follow the request (the reference
 * and the tracking code exactly as the lookup page asks for them).
 */

export interface ReceiptInput {
  tenantName: string;
  tenantAddress?: string;
  tenantPhone?: string;
  reference: string;
  /** The tracking code as the citizen types it on the lookup page, e.g. `K7M3-QX9P-2D4F`. */
  trackingCode: string;
  /** The lookup page, e.g. https://villebelle.example/suivi */
  lookupUrl: string;
  demarcheTitle: string;
  submittedAt: Date;
  /** 'YYYY-MM-DD' */
  dueOn: string;
  delayDays: number | null;
  applicantName: string;
  /** « Identité vérifiée par FranceConnect le … », when it was (verifiedIdentityText). */
  identityVerified?: string | null;
  answers: { label: string; value: string; verifiedBy?: string }[];
  documents: { filename: string; sizeBytes: number }[];
  trackingUrl: string;
  now?: Date;
}

export async function renderReceiptPdf(input: ReceiptInput): Promise<Uint8Array> {
  const title = "Récépissé de dépôt d'une demande";
  const l = await PdfLayout.create({
    title: `${title} ${input.reference}`,
    author: input.tenantName,
    subject: input.demarcheTitle,
    now: input.now ?? new Date(),
  });
  const { body, strong, muted } = l;

  // Who issues the receipt.
  l.text(input.tenantName, { font: l.bold, size: 12 });
  if (input.tenantAddress) l.text(input.tenantAddress, muted);
  if (input.tenantPhone) l.text(`Téléphone : ${input.tenantPhone}`, muted);
  l.space(18);

  l.text(title, { font: l.bold, size: 18 });
  l.space(6);
  l.text(`Démarche : ${input.demarcheTitle}`, body);
  l.space(10);

  l.text('Référence de votre demande', muted, { keepWithNext: 34 });
  l.text(input.reference, { font: l.bold, size: 26 });
  l.space(4);
  l.text('Code de suivi', muted, { keepWithNext: 24 });
  l.text(input.trackingCode, { font: l.bold, size: 16 });
  l.space(10);

  l.text(`Demande déposée le ${formatDateTimeFr(input.submittedAt)}.`, body);
  if (input.applicantName.trim() !== '') l.text(`Déposée par : ${input.applicantName}`, body);
  if (input.identityVerified) l.text(`${input.identityVerified}.`, strong);
  if (input.dueOn.trim() !== '') {
    const delay =
      input.delayDays === null
        ? ''
        : ` (${input.delayDays} jour${input.delayDays > 1 ? 's' : ''} ouvré${input.delayDays > 1 ? 's' : ''})`;
    l.space(4);
    l.text(`La commune s'engage à vous répondre au plus tard le ${formatDateFr(input.dueOn)}${delay}.`, strong);
  }

  l.section('Vos réponses');
  if (input.answers.length === 0) l.text('Aucune réponse.', body);
  for (const answer of input.answers) {
    l.text(answer.label, strong, { keepWithNext: l.lineHeight(body) });
    l.text(answer.value.trim() === '' ? 'Non renseigné' : answer.value, body);
    if (answer.verifiedBy) l.text(`Vérifié par ${answer.verifiedBy}`, muted);
    l.space(6);
  }

  l.section('Vos documents', 16);
  if (input.documents.length === 0) l.text('Aucun document joint.', body);
  for (const d of input.documents) l.text(`• ${d.filename} (${formatBytes(d.sizeBytes)})`, body, { indent: 8 });

  l.section('Suivre votre demande');
  l.text(`Sur ${input.lookupUrl}, saisissez votre référence et votre code de suivi :`, body);
  l.text(`Référence : ${input.reference}`, strong, { indent: 8 });
  l.text(`Code de suivi : ${input.trackingCode}`, strong, { indent: 8 });
  l.space(4);
  l.text('Ou ouvrez directement cette adresse :', body);
  l.text(input.trackingUrl, { font: l.regular, size: 9.5 }, { indent: 8 });
  l.space(4);
  l.text(`Si vous contactez la mairie, donnez la référence ${input.reference}.`, body);
  if (input.tenantPhone) l.text(`Vous pouvez appeler la mairie au ${input.tenantPhone}.`, body);
  l.text('Gardez ce récépissé. Il prouve que vous avez déposé votre demande.', body);

  if (l.replacedCharacters) {
    l.space(10);
    l.text(
      'Certains caractères ne peuvent pas être affichés dans ce document. Ils sont remplacés par « ? ». Votre demande les contient bien.',
      muted,
    );
  }
  return l.finish(`${input.tenantName} – récépissé ${input.reference}`);
}
