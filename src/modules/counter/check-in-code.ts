import { qrCodeSvg } from '../../platform/qr-code.ts';

/** The agents' page a check-in code leads to: the appointment, with « Enregistrer l'arrivée ». */
export function checkInPath(reference: string): string {
  return `/agent/guichet/arrivee/${encodeURIComponent(reference)}`;
}

/**
 * What the QR code of an appointment's confirmation holds: the link to its check-in page on the
 * tenant's site. A phone's camera opens it (the agent signs in if needed); a desk scanner types it
 * into the check-in search, which finds the reference at its end. It carries no secret and nothing
 * personal: the reference alone is also printed beside it.
 */
export function checkInUrl(baseUrl: string, reference: string): string {
  return `${baseUrl}${checkInPath(reference)}`;
}

/** The check-in QR code of an appointment, as an SVG document (for the confirmation page and mail). */
export function checkInQrSvg(baseUrl: string, reference: string): Promise<string> {
  return qrCodeSvg(checkInUrl(baseUrl, reference));
}
