import QRCode from 'qrcode';

/**
 * A QR code as an inline SVG document, drawn on the server: no script, no third party. Used for
 * the authenticator app's key (agents' second factor) and an appointment's check-in code.
 */
export async function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
