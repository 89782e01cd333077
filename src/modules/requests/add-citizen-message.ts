import { formatCharactersFr, formatNumberFr } from '../../platform/format.ts';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { checkUploadedFile, storedFilename } from './file-check.ts';
import { findTrackedRequest } from './find-tracked-request.ts';
import { insertDocument, insertEvent, setStatus } from './repository.ts';
import { isOpen } from './status.ts';
import { notifyAgentsOfCitizenMessage } from './notify-agents-of-citizen-message.ts';
import { applyDeadlineClock } from './deadline-clock.ts';

export const MESSAGE_MAX_LENGTH = 5000;

export type AddCitizenMessageResult = { ok: true } | { ok: false; errors: { field: string; message: string }[] };

/**
 * A message and/or documents added by the citizen to an open request. When the service was
 * waiting for the citizen, the request goes back to "en cours": the ball is in its court again.
 */
export async function addCitizenMessage(
  services: Services,
  tenant: Tenant,
  input: {
    reference: string;
    secret: string;
    message: string;
    files: UploadedFile[];
    /** The tenant's public address, for the link in the agents' notification. */
    baseUrl: string;
  },
): Promise<AddCitizenMessageResult> {
  const request = await findTrackedRequest(services, tenant, input.reference, input.secret);
  if (!isOpen(request.status)) {
    throw new AppError(
      'request_closed',
      'Cette demande est close : vous ne pouvez plus y ajouter de message. Faites une nouvelle demande ou contactez-nous.',
    );
  }
  const message = input.message.trim();
  const errors: { field: string; message: string }[] = [];
  if (!message && input.files.length === 0)
    errors.push({ field: 'message', message: 'Écrivez un message ou ajoutez un document.' });
  if (message.length > MESSAGE_MAX_LENGTH) {
    errors.push({
      field: 'message',
      message: `Votre message doit faire au plus ${formatCharactersFr(MESSAGE_MAX_LENGTH)} (il en fait ${formatNumberFr(message.length)}).`,
    });
  }
  const accepted: { filename: string; mimeType: string; data: Buffer }[] = [];
  for (const file of input.files) {
    const check = await checkUploadedFile(file);
    if (check.ok)
      accepted.push({
        filename: storedFilename(file.filename, check.mimeType),
        mimeType: check.mimeType,
        data: file.data,
      });
    else errors.push({ field: 'documents', message: check.message });
  }
  if (errors.length > 0) return { ok: false, errors };

  await inTenant(services.db, tenant.id, async (trx) => {
    const eventId = await insertEvent(trx, {
      tenantId: tenant.id,
      requestId: request.id,
      kind: 'citizen_message',
      body: message,
      authorKind: 'citizen',
      channel: 'tracking',
    });
    for (const f of accepted) {
      await insertDocument(trx, {
        tenantId: tenant.id,
        requestId: request.id,
        eventId,
        fieldName: null,
        filename: f.filename,
        mimeType: f.mimeType,
        content: f.data,
      });
    }
    if (request.status === 'en_attente_usager') {
      await setStatus(trx, request.id, 'en_cours');
      const now = services.clock.now();
      await applyDeadlineClock(trx, {
        tenantId: tenant.id,
        requestId: request.id,
        from: 'en_attente_usager',
        to: 'en_cours',
        now,
        channel: 'tracking',
      });
      await insertEvent(trx, {
        tenantId: tenant.id,
        requestId: request.id,
        kind: 'status_changed',
        statusFrom: 'en_attente_usager',
        statusTo: 'en_cours',
        body: 'Vous avez répondu : le service reprend le traitement de votre demande.',
        authorKind: 'system',
        channel: 'tracking',
      });
    }
    await notifyAgentsOfCitizenMessage(trx, {
      tenantId: tenant.id,
      tenantName: tenant.name,
      requestId: request.id,
      reference: request.reference,
      demarcheTitle: request.demarcheTitle,
      withDocuments: accepted.length > 0,
      baseUrl: input.baseUrl,
    });
  });
  services.mail.kick();
  return { ok: true };
}
