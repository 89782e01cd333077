import type { TestContext } from '../support/test-app.ts';

/** What the route matrix needs to walk the counter's routes (modules/counter). */
export interface CounterFixtures {
  /** The mairie: its day page, its screen. */
  siteId: string;
  /** A counter where « Appeler le suivant » is pressed. */
  counterId: string;
  /** Another counter, with a ticket called to it (« La personne est là »). */
  busyCounterId: string;
  calledTicketId: string;
  /** Someone waiting at the mairie, who leaves (« Partie sans attendre »). */
  waitingTicketId: string;
  /** Two appointments of today at the mairie: one checked in by the form, one marked « excusé ». */
  checkInReference: string;
  outcomeAppointmentId: string;
}

export async function counterFixtures(ctx: TestContext): Promise<CounterFixtures> {
  const q = ctx.database.ownerQuery;
  const tenantId = ctx.tenantId;
  const [{ id: siteId }] = (
    await q("select id from appointment_sites where tenant_id = $1 and kind = 'mairie'", [tenantId])
  ).rows as unknown as [{ id: string }];
  const counter = async (name: string) =>
    String(
      (
        await q(
          "insert into appointment_resources (tenant_id, site_id, name, kind, position) values ($1, $2, $3, 'counter', 90) returning id",
          [tenantId, siteId, name],
        )
      ).rows[0]!.id,
    );
  const counterId = await counter('Guichet matrice A');
  const busyCounterId = await counter('Guichet matrice B');
  const day = String((await q("select (now() at time zone 'Europe/Paris')::date::text as day")).rows[0]!.day);
  const calledTicketId = String(
    (
      await q(
        `insert into counter_tickets (tenant_id, site_id, day, letter, number, status, called_at, last_called_at, calls,
           counter_resource_id)
         values ($1, $2, $3, 'Z', 1, 'called', now(), now(), 1, $4) returning id`,
        [tenantId, siteId, day, busyCounterId],
      )
    ).rows[0]!.id,
  );
  const waitingTicketId = String(
    (
      await q(
        `insert into counter_tickets (tenant_id, site_id, day, letter, number) values ($1, $2, $3, 'Z', 2) returning id`,
        [tenantId, siteId, day],
      )
    ).rows[0]!.id,
  );
  const [motif] = (
    await q(
      `select m.id, m.demarche_id from appointment_motifs m join demarches d on d.tenant_id = m.tenant_id and d.id = m.demarche_id
        where m.tenant_id = $1 and d.slug = 'carte-identite' order by m.position limit 1`,
      [tenantId],
    )
  ).rows as { id: string; demarche_id: string }[];
  // Today's appointments, written directly on counter B's agenda: the check-in needs them today, whatever the hour.
  const appointment = async (reference: string, minutesFromNow: number) => {
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + minutesFromNow * 60_000);
    const end = new Date(start.getTime() + 60_000);
    return String(
      (
        await q(
          `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
             busy_until, slot_key, given_name, family_name, email, channel)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 'Matrice', 'Guichet', 'matrice.guichet@example.org', 'web')
           returning id`,
          [
            tenantId,
            reference,
            motif!.id,
            motif!.demarche_id,
            siteId,
            busyCounterId,
            start,
            end,
            `${motif!.id}@${start.toISOString()}`,
          ],
        )
      ).rows[0]!.id,
    );
  };
  await appointment('RDV-GUICH1', 2);
  const outcomeAppointmentId = await appointment('RDV-GUICH2', 4);
  return {
    siteId,
    counterId,
    busyCounterId,
    calledTicketId,
    waitingTicketId,
    checkInReference: 'RDV-GUICH1',
    outcomeAppointmentId,
  };
}
