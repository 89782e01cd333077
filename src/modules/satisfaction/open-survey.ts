import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr } from '../../platform/format.ts';
import { checkSurveyToken } from './survey-token.ts';

/** Why a survey link does not open the survey. */
export type SurveyRefusal = 'invalid' | 'other_tenant' | 'expired' | 'answered';

export interface OpenSurvey {
  invitationId: string;
  /** What the question is about: « de votre demande VB-2026-4F7K2 (Carte d'identité) ». */
  subject: string;
  /** The request the citizen may link their answer to; null: nothing to link (assistant). */
  reference: string | null;
  /** An online démarche: the score out of ten is asked. */
  online: boolean;
}

/**
 * The survey a link opens on this tenant's site, or why it cannot: tampered with or unknown
 * (invalid), made for another collectivité, past its date, or already answered.
 */
export async function openSurvey(
  trx: Tx,
  input: { tenantId: string; sessionSecret: string; token: string; now: Date },
): Promise<{ ok: true; value: OpenSurvey } | { ok: false; reason: SurveyRefusal }> {
  const checked = checkSurveyToken(input.sessionSecret, input.tenantId, input.token, input.now);
  if (!checked.ok) return checked;
  const row = await trx
    .selectFrom('survey_invitations as i')
    .leftJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'i.tenant_id').onRef('r.id', '=', 'i.request_id'))
    .leftJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'i.tenant_id').onRef('d.id', '=', 'i.demarche_id'))
    .leftJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'i.tenant_id').onRef('s.id', '=', 'i.site_id'),
    )
    .select([
      'i.id',
      'i.interaction',
      'i.channel',
      'i.answered_at',
      'i.created_at',
      'r.reference',
      'd.title',
      's.name as site_name',
    ])
    .where('i.id', '=', checked.invitationId)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.answered_at) return { ok: false, reason: 'answered' };
  return { ok: true, value: describe(row) };
}

/** « (Mairie annexe du Port, Carte d’identité) », or nothing when neither is known. */
function visitDetails(site: string | null, demarche: string | null): string {
  const parts = [site, demarche].filter((p): p is string => Boolean(p));
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function describe(row: {
  id: string;
  interaction: string;
  channel: string;
  created_at: Date;
  reference: string | null;
  title: string | null;
  site_name: string | null;
}): OpenSurvey {
  const day = formatDateFr(row.created_at);
  const subject =
    row.interaction === 'assistant'
      ? 'des réponses de l’assistant du site'
      : row.interaction === 'visit'
        ? `de votre visite à l’accueil du ${day}${visitDetails(row.site_name, row.title)}`
        : row.interaction === 'contact'
          ? row.channel === 'telephone'
            ? `de votre appel du ${day}`
            : `de votre visite à l’accueil du ${day}`
          : `du traitement de votre demande${row.reference ? ` ${row.reference}` : ''}${row.title ? ` (${row.title})` : ''}`;
  return {
    invitationId: row.id,
    subject,
    reference: row.reference,
    online: row.interaction === 'request' && row.channel === 'en-ligne',
  };
}
