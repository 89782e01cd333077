import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { ticketCode } from './repository.ts';

/** The appointments' line: checked-in appointments get « R001 », « R002 »… */
export const APPOINTMENT_LETTER = 'R';

/** Letters given to walk-in lines, in order (no I or O: read as 1 and 0; R is the appointments'). */
const LINE_LETTERS = 'ABCDEFGHJKLMNPQSTUVWXYZ';

/**
 * The letter of a site's walk-in line for a démarche (null: « Autre demande »): the one it was
 * given, or the first free one, kept from then on. Two lines created at the same moment may pick
 * the same letter: the loser of the unique key takes the next one.
 */
export async function lineLetter(
  trx: Tx,
  tenantId: string,
  siteId: string,
  demarcheId: string | null,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const line = await trx
      .selectFrom('counter_lines')
      .select('letter')
      .where('site_id', '=', siteId)
      .where((eb) => (demarcheId === null ? eb('demarche_id', 'is', null) : eb('demarche_id', '=', demarcheId)))
      .executeTakeFirst();
    if (line) return line.letter;
    const used = new Set(
      (await trx.selectFrom('counter_lines').select('letter').where('site_id', '=', siteId).execute()).map(
        (l) => l.letter,
      ),
    );
    const letter = [...LINE_LETTERS].find((l) => !used.has(l));
    if (!letter) throw new AppError('conflict', 'Ce lieu a déjà autant de files d’attente que de lettres.');
    await trx
      .insertInto('counter_lines')
      .values({ tenant_id: tenantId, site_id: siteId, demarche_id: demarcheId, letter })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  throw new AppError('conflict', 'La file d’attente n’a pas pu être créée : réessayez.');
}

export interface NewTicket {
  tenantId: string;
  siteId: string;
  /** The commune's day, 'YYYY-MM-DD'. */
  day: string;
  letter: string;
  demarcheId: string | null;
  appointmentId: string | null;
  name: string;
  issuedAt: Date;
  waitFrom: Date;
  agentId: string | null;
}

/**
 * Numbers and stores a ticket: the next number of the site's line for the day, taken by one
 * upsert (it locks the counter's row until the transaction ends, so two tickets never share a
 * number). After 999 tickets of one letter in a day, the line is full.
 */
export async function issueTicket(trx: Tx, t: NewTicket): Promise<{ id: string; code: string }> {
  const taken = await sql<{ last_number: number }>`
    insert into counter_ticket_numbers (tenant_id, site_id, day, letter, last_number)
    values (${t.tenantId}, ${t.siteId}, ${t.day}, ${t.letter}, 1)
    on conflict (tenant_id, site_id, day, letter)
      do update set last_number = counter_ticket_numbers.last_number + 1
      where counter_ticket_numbers.last_number < 999
    returning last_number`.execute(trx);
  const number = taken.rows[0]?.last_number;
  if (number === undefined)
    throw new AppError(
      'conflict',
      `La file ${t.letter} a atteint 999 tickets aujourd’hui : utilisez « Autre demande ».`,
    );
  const { id } = await trx
    .insertInto('counter_tickets')
    .values({
      tenant_id: t.tenantId,
      site_id: t.siteId,
      day: t.day,
      letter: t.letter,
      number,
      demarche_id: t.demarcheId,
      appointment_id: t.appointmentId,
      name: t.name,
      issued_at: t.issuedAt,
      wait_from: t.waitFrom,
      issued_by_agent_id: t.agentId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, code: ticketCode(t.letter, number) };
}
