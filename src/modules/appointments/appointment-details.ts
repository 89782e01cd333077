import type { Db, Tx } from '../../db/tenant-scope.ts';
import type { AppointmentChannel, AppointmentStatus } from '../../db/schema.ts';

/** An appointment with what every message and page says about it. */
export interface AppointmentDetails {
  id: string;
  reference: string;
  status: AppointmentStatus;
  start: Date;
  end: Date;
  givenName: string;
  familyName: string;
  email: string | null;
  phone: string | null;
  smsReminders: boolean;
  channel: AppointmentChannel;
  icsSequence: number;
  personId: string | null;
  motif: { id: string; name: string; mode: 'site' | 'phone'; cancelUntilMinutes: number; durationMinutes: number };
  demarche: { id: string; slug: string; title: string };
  site: {
    id: string;
    name: string;
    address: string;
    postalCode: string;
    city: string;
    phone: string;
    accessInfo: string;
  };
  resource: { id: string; name: string; agentId: string | null };
  bookedByAgentId: string | null;
  /** What to bring: the motif's list, else the démarche's « Ce qu'il faut préparer ». */
  checklist: string[];
}

/** The bullet points of a Markdown section (« - … » lines). */
export function checklistOf(motifDocuments: string[], sections: Record<string, string>): string[] {
  if (motifDocuments.length > 0) return motifDocuments;
  const section = sections['ce-qu-il-faut-preparer'] ?? '';
  return section
    .split('\n')
    .map((l) => /^\s*[-*]\s+(.*)$/.exec(l)?.[1]?.trim() ?? '')
    .filter((l) => l !== '');
}

/** The appointment `id` (by its id or its reference), or null. */
export async function loadAppointment(
  conn: Db | Tx,
  key: { id: string } | { reference: string },
): Promise<AppointmentDetails | null> {
  let query = conn
    .selectFrom('appointments as a')
    .innerJoin('appointment_motifs as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.motif_id'),
    )
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'a.tenant_id').onRef('d.id', '=', 'a.demarche_id'))
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.site_id'),
    )
    .innerJoin('appointment_resources as r', (j) =>
      j.onRef('r.tenant_id', '=', 'a.tenant_id').onRef('r.id', '=', 'a.resource_id'),
    )
    .select([
      'a.id',
      'a.reference',
      'a.status',
      'a.starts_at',
      'a.ends_at',
      'a.given_name',
      'a.family_name',
      'a.email',
      'a.phone',
      'a.sms_reminders',
      'a.channel',
      'a.ics_sequence',
      'a.person_id',
      'a.booked_by_agent_id',
      'm.id as motif_id',
      'm.name as motif_name',
      'm.mode',
      'm.cancel_until_minutes',
      'm.duration_minutes',
      'm.documents',
      'd.id as demarche_id',
      'd.slug as demarche_slug',
      'd.title as demarche_title',
      'd.sections',
      's.id as site_id',
      's.name as site_name',
      's.address',
      's.postal_code',
      's.city',
      's.phone as site_phone',
      's.access_info',
      'r.id as resource_id',
      'r.name as resource_name',
      'r.agent_id',
    ]);
  query = 'id' in key ? query.where('a.id', '=', key.id) : query.where('a.reference', '=', key.reference);
  const r = await query.executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    start: r.starts_at,
    end: r.ends_at,
    givenName: r.given_name,
    familyName: r.family_name,
    email: r.email,
    phone: r.phone,
    smsReminders: r.sms_reminders,
    channel: r.channel,
    icsSequence: r.ics_sequence,
    personId: r.person_id,
    motif: {
      id: r.motif_id,
      name: r.motif_name,
      mode: r.mode,
      cancelUntilMinutes: r.cancel_until_minutes,
      durationMinutes: r.duration_minutes,
    },
    demarche: { id: r.demarche_id, slug: r.demarche_slug, title: r.demarche_title },
    site: {
      id: r.site_id,
      name: r.site_name,
      address: r.address,
      postalCode: r.postal_code,
      city: r.city,
      phone: r.site_phone,
      accessInfo: r.access_info,
    },
    resource: { id: r.resource_id, name: r.resource_name, agentId: r.agent_id },
    bookedByAgentId: r.booked_by_agent_id,
    checklist: checklistOf(r.documents, r.sections),
  };
}

/** « Mairie annexe, 12 rue des Écoles, 00000 Villebelle » */
export function siteLocation(site: AppointmentDetails['site']): string {
  const place = [site.address, [site.postalCode, site.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return place ? `${site.name}, ${place}` : site.name;
}
