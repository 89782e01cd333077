import { createHash } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';
import { randomString } from '../../platform/security/random.ts';
import type { FormResult } from '../../platform/web/form.ts';

/** The secret in a tablet's address: 32 random bytes, base64url. */
const KIOSK_SECRET = /^[A-Za-z0-9_-]{43}$/;

function hashKioskSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function kioskPath(secret: string): string {
  return `/avis/borne/${secret}`;
}

export interface KioskRow {
  id: string;
  name: string;
  serviceId: string | null;
  serviceName: string | null;
  siteName: string | null;
  createdAt: Date;
}

export async function listKiosks(trx: Tx): Promise<KioskRow[]> {
  const rows = await trx
    .selectFrom('survey_kiosks as k')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'k.tenant_id').onRef('s.id', '=', 'k.service_id'))
    .leftJoin('appointment_sites as l', (j) =>
      j.onRef('l.tenant_id', '=', 'k.tenant_id').onRef('l.id', '=', 'k.site_id'),
    )
    .select(['k.id', 'k.name', 'k.service_id', 's.name as service_name', 'l.name as site_name', 'k.created_at'])
    .where('k.revoked_at', 'is', null)
    .orderBy('k.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    serviceId: r.service_id,
    serviceName: r.service_name,
    siteName: r.site_name,
    createdAt: r.created_at,
  }));
}

/**
 * Opens a counter tablet: its address carries a secret shown once (only its hash is kept). The
 * tablet shows the survey, and the empty survey again after each answer; its answers count for
 * its service and for the site where it stands.
 */
export async function createKiosk(
  trx: Tx,
  input: { tenantId: string; name: string; serviceId: string | null; siteId: string | null },
): Promise<FormResult<{ secret: string }>> {
  if (input.serviceId !== null) {
    const service = await trx.selectFrom('services').select('id').where('id', '=', input.serviceId).executeTakeFirst();
    if (!service) return { ok: false, errors: [{ field: 'service', message: 'Choisissez un service de la liste.' }] };
  }
  if (input.siteId !== null) {
    const site = await trx
      .selectFrom('appointment_sites')
      .select('id')
      .where('id', '=', input.siteId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!site) return { ok: false, errors: [{ field: 'lieu', message: 'Choisissez un lieu d’accueil de la liste.' }] };
  }
  const secret = randomString(32, 'base64url');
  await trx
    .insertInto('survey_kiosks')
    .values({
      tenant_id: input.tenantId,
      name: input.name,
      service_id: input.serviceId,
      site_id: input.siteId,
      secret_hash: hashKioskSecret(secret),
    })
    .execute();
  return { ok: true, value: { secret } };
}

/** Closes a tablet: its address no longer opens the survey. False when there was none open. */
export async function revokeKiosk(trx: Tx, input: { kioskId: string; now: Date }): Promise<boolean> {
  const r = await trx
    .updateTable('survey_kiosks')
    .set({ revoked_at: input.now })
    .where('id', '=', input.kioskId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The open tablet of this address's secret, or undefined. */
export async function findKiosk(trx: Tx, secret: string): Promise<{ id: string; name: string } | undefined> {
  if (!KIOSK_SECRET.test(secret)) return undefined;
  return trx
    .selectFrom('survey_kiosks')
    .select(['id', 'name'])
    .where('secret_hash', '=', hashKioskSecret(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
