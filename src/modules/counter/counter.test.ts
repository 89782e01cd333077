import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { callNext } from './call-next.ts';
import { checkInAppointment } from './check-in-appointment.ts';
import { counterIndicators } from './counter-indicators.ts';
import { findAppointments } from './find-appointments.ts';
import { finishService } from './finish-service.ts';
import { issueWalkInTicket } from './issue-walk-in-ticket.ts';
import { markTicketAbsent } from './mark-ticket-absent.ts';
import { markTicketLeft } from './mark-ticket-left.ts';
import { recallTicket } from './recall-ticket.ts';
import { setAppointmentOutcome } from './set-appointment-outcome.ts';
import { startService } from './start-service.ts';
import { seedDemoCounter } from './seed-demo-counter.ts';
import { medianWaitingTimeBySite } from './waiting-times.ts';

/**
 * The day at the counter and its figures, on the real database (PGlite, then the PostgreSQL
 * server), outcomes checked with direct SQL. Villebelle's demo agendas: the mairie (Guichet 1 and
 * 2, open Monday to Friday 8:30–12:00 and 13:30–17:30) and the annexe (Tuesday and Thursday). The
 * clock is Tuesday 23 March 2027, 9:00 in Villebelle (UTC+1 until the 28th).
 */
const clock = {
  current: new Date('2027-03-23T08:00:00Z'),
  now() {
    return new Date(this.current);
  },
};
const at = (iso: string) => new Date(iso);
/** What a visit's survey link is made of (invite-after-visit.ts). */
const survey = {
  sessionSecret: 'counter-test-secret-0123456789abcdef',
  baseUrl: 'http://villebelle.test',
  linkDays: 30,
};

describe(`the day at the counter (${TEST_DB})`, () => {
  let ctx: TestContext;
  const ids: Record<string, string> = {};
  let referenceCount = 0;

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }
  const tx = <T>(fn: Parameters<typeof inTenant<T>>[2]) => inTenant(ctx.services.db, ctx.tenantId, fn);

  /** An appointment written directly, as booking would have left it. */
  async function appointment(o: {
    motif: 'cni' | 'passeport';
    site?: 'mairie' | 'annexe';
    resource?: string;
    start: string;
    minutes?: number;
    status?: string;
    createdAt?: string;
    name?: string;
    checkedIn?: string;
  }): Promise<{ id: string; reference: string }> {
    referenceCount++;
    const reference = `RDV-T${String(referenceCount).padStart(5, '0')}`;
    const start = at(o.start);
    const end = new Date(start.getTime() + (o.minutes ?? 20) * 60_000);
    const [row] = await sql<{ id: string }>(
      `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
         busy_until, slot_key, given_name, family_name, email, channel, status, created_at, checked_in_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 'Camille', $10, 'c@example.org', 'web', $11, $12, $13) returning id`,
      [
        ctx.tenantId,
        reference,
        ids[`${o.motif}Motif`],
        ids[o.motif],
        ids[o.site ?? 'mairie'],
        o.resource ?? ids.guichet1,
        start,
        end,
        `${ids[`${o.motif}Motif`]}@${start.toISOString()}`,
        o.name ?? `Martin${referenceCount}`,
        o.status ?? 'booked',
        o.createdAt ?? '2027-03-01T10:00:00Z',
        o.checkedIn ?? null,
      ],
    );
    return { id: row!.id, reference };
  }

  async function refusal(p: Promise<unknown>): Promise<AppError> {
    try {
      await p;
    } catch (err) {
      if (err instanceof AppError) return err;
      throw err;
    }
    assert.fail('expected a refusal');
  }

  const walkIn = (site: string, demarche: string | null, now = clock.now()) =>
    tx((trx) =>
      issueWalkInTicket(trx, {
        tenantId: ctx.tenantId,
        siteId: ids[site]!,
        demarcheId: demarche,
        name: '',
        agentId: null,
        now,
      }),
    );
  const next = (counter: string, now = clock.now()) =>
    tx((trx) => callNext(trx, { tenantId: ctx.tenantId, counterId: ids[counter]!, agentId: ids.agent!, now, survey }));
  const checkIn = (reference: string, site: string | null = 'mairie', now = clock.now()) =>
    tx((trx) =>
      checkInAppointment(trx, {
        tenantId: ctx.tenantId,
        reference,
        siteId: site ? ids[site]! : null,
        agentId: ids.agent!,
        now,
      }),
    );

  before(async () => {
    ctx = await createTestContext({ clock });
    for (const s of await sql<{ id: string; kind: string }>(
      'select id, kind from appointment_sites where tenant_id = $1',
      [ctx.tenantId],
    ))
      ids[s.kind === 'mairie' ? 'mairie' : 'annexe'] = s.id;
    for (const r of await sql<{ id: string; name: string }>(
      "select id, name from appointment_resources where tenant_id = $1 and kind = 'counter'",
      [ctx.tenantId],
    ))
      ids[r.name === 'Guichet 1' ? 'guichet1' : r.name === 'Guichet 2' ? 'guichet2' : 'guichetAnnexe'] = r.id;
    for (const slug of ['carte-identite', 'passeport', 'pacs']) {
      const [d] = await sql<{ id: string; motif: string }>(
        `select d.id, m.id as motif from demarches d join appointment_motifs m on m.tenant_id = d.tenant_id and m.demarche_id = d.id
         where d.tenant_id = $1 and d.slug = $2`,
        [ctx.tenantId, slug],
      );
      const key = slug === 'carte-identite' ? 'cni' : slug;
      ids[key] = d!.id;
      ids[`${key}Motif`] = d!.motif;
    }
    const [agent] = await sql<{ id: string }>('select id from agents where tenant_id = $1 limit 1', [ctx.tenantId]);
    ids.agent = agent!.id;
  });

  after(async () => {
    await ctx?.close();
  });

  beforeEach(async () => {
    clock.current = at('2027-03-23T08:00:00Z');
    await sql('delete from counter_tickets where tenant_id = $1', [ctx.tenantId]);
    await sql('delete from counter_ticket_numbers where tenant_id = $1', [ctx.tenantId]);
    await sql('delete from appointments where tenant_id = $1', [ctx.tenantId]);
  });

  describe('walk-in tickets', () => {
    test('are numbered per site, day and démarche line, each démarche keeping its letter', async () => {
      const a1 = await walkIn('mairie', ids.cni!);
      const a2 = await walkIn('mairie', ids.cni!);
      const b1 = await walkIn('mairie', ids.passeport!);
      const other = await walkIn('mairie', null);
      const annexe = await walkIn('annexe', ids.cni!);
      const tomorrow = await walkIn('mairie', ids.cni!, at('2027-03-24T08:00:00Z'));
      const letter = (
        await sql<{ letter: string }>('select letter from counter_lines where site_id = $1 and demarche_id = $2', [
          ids.mairie,
          ids.cni,
        ])
      )[0]!.letter;
      assert.equal(a1.code, `${letter}001`);
      assert.equal(a2.code, `${letter}002`);
      assert.notEqual(b1.code[0], letter, 'another démarche, another letter');
      assert.match(b1.code, /^[A-Z]001$/);
      assert.match(other.code, /^[A-Z]001$/);
      assert.equal(annexe.code.slice(1), '001', 'each site counts on its own');
      assert.equal(tomorrow.code, `${letter}001`, 'each day starts again');
      const rows = await sql<{ day: string; status: string }>(
        'select day::text as day, status from counter_tickets where id = $1',
        [a1.id],
      );
      assert.deepEqual(rows, [{ day: '2027-03-23', status: 'waiting' }]);
    });

    test('twenty tickets issued at once get twenty different numbers', async () => {
      const codes = await Promise.all(Array.from({ length: 20 }, () => walkIn('mairie', ids.cni!)));
      assert.equal(new Set(codes.map((c) => c.code)).size, 20);
    });

    test('refuse a démarche that the site does not serve at its counters, and an unknown site', async () => {
      const [urbanisme] = await sql<{ id: string }>(
        "select id from demarches where tenant_id = $1 and slug not in ('carte-identite', 'passeport', 'pacs') limit 1",
        [ctx.tenantId],
      );
      assert.equal((await refusal(walkIn('mairie', urbanisme!.id))).code, 'invalid_input');
      assert.equal((await refusal(walkIn('annexe', ids.pacs!))).code, 'invalid_input', 'PACS only at Guichet 2');
      ids.nowhere = '00000000-0000-4000-8000-000000000000';
      assert.equal((await refusal(walkIn('nowhere', null))).code, 'not_found');
    });
  });

  describe('check-in', () => {
    test('gives a ticket of the appointments line; the wait counts from the appointment when early', async () => {
      const early = await appointment({ motif: 'cni', start: '2027-03-23T08:30:00Z' });
      const late = await appointment({ motif: 'cni', start: '2027-03-23T07:45:00Z', resource: ids.guichet2 });
      const e = await checkIn(early.reference.toLowerCase());
      const l = await checkIn(late.reference);
      assert.equal(e.code, 'R001');
      assert.equal(l.code, 'R002');
      assert.equal(l.lateMinutes, 15);
      const rows = await sql<{ reference: string; wait_from: Date; checked_in_at: Date }>(
        `select a.reference, t.wait_from, a.checked_in_at from counter_tickets t
         join appointments a on a.tenant_id = t.tenant_id and a.id = t.appointment_id order by t.number`,
      );
      assert.equal(rows[0]!.wait_from.toISOString(), '2027-03-23T08:30:00.000Z', 'early: from the appointment');
      assert.equal(rows[1]!.wait_from.toISOString(), '2027-03-23T08:00:00.000Z', 'late: from arrival');
      assert.equal(rows[0]!.checked_in_at.toISOString(), '2027-03-23T08:00:00.000Z');
    });

    test('an arrival already signalled with the appointment’s link keeps its time', async () => {
      const a = await appointment({ motif: 'cni', start: '2027-03-23T07:40:00Z', checkedIn: '2027-03-23T07:50:00Z' });
      const done = await checkIn(a.reference);
      assert.equal(done.lateMinutes, 10, 'late by the time they signalled, not by the agent’s click');
      const [row] = await sql<{ wait_from: Date; checked_in_at: Date }>(
        `select t.wait_from, a.checked_in_at from counter_tickets t
         join appointments a on a.tenant_id = t.tenant_id and a.id = t.appointment_id`,
      );
      assert.equal(row!.wait_from.toISOString(), '2027-03-23T07:50:00.000Z');
      assert.equal(row!.checked_in_at.toISOString(), '2027-03-23T07:50:00.000Z');
    });

    test('refuses an unknown reference, a second check-in, another day, another site, a cancelled one', async () => {
      assert.equal((await refusal(checkIn('RDV-ZZZZZZ'))).code, 'appointment_not_found');
      const today = await appointment({ motif: 'cni', start: '2027-03-23T09:00:00Z' });
      await checkIn(today.reference);
      const again = await refusal(checkIn(today.reference));
      assert.equal(again.code, 'already_checked_in');
      assert.match(again.message, /R001/);
      const tomorrow = await appointment({ motif: 'cni', start: '2027-03-24T09:00:00Z' });
      const wrongDay = await refusal(checkIn(tomorrow.reference));
      assert.equal(wrongDay.code, 'appointment_not_today');
      assert.match(wrongDay.message, /24 mars 2027 à 10 h 00/);
      const annexe = await appointment({
        motif: 'cni',
        site: 'annexe',
        resource: ids.guichetAnnexe,
        start: '2027-03-23T09:00:00Z',
      });
      assert.equal((await refusal(checkIn(annexe.reference))).code, 'appointment_other_site');
      const cancelled = await appointment({ motif: 'cni', start: '2027-03-23T10:00:00Z', status: 'cancelled' });
      assert.equal((await refusal(checkIn(cancelled.reference))).code, 'appointment_not_booked');
      const [n] = await sql<{ n: number }>('select count(*)::int as n from counter_tickets');
      assert.equal(n!.n, 1, 'only the first check-in gave a ticket');
    });

    test('finds the appointment by name without accents, by reference, or by the QR code’s link', async () => {
      const a = await appointment({ motif: 'cni', start: '2027-03-23T09:00:00Z', name: 'Lefèvre' });
      await appointment({ motif: 'cni', start: '2027-03-23T10:00:00Z', name: 'Durand' });
      const day = { siteId: ids.mairie!, dayStart: at('2027-03-22T23:00:00Z'), dayEnd: at('2027-03-23T23:00:00Z') };
      const byName = await tx((trx) => findAppointments(trx, { ...day, text: 'camille lefevre' }));
      assert.deepEqual(
        byName.appointments.map((x) => x.reference),
        [a.reference],
      );
      const byLink = await tx((trx) =>
        findAppointments(trx, { ...day, text: `https://villebelle.fr/agent/guichet/arrivee/${a.reference}` }),
      );
      assert.equal(byLink.by, 'reference');
      assert.deepEqual(
        byLink.appointments.map((x) => x.reference),
        [a.reference],
      );
      const none = await tx((trx) => findAppointments(trx, { ...day, text: 'Zorglub' }));
      assert.equal(none.appointments.length, 0);
    });
  });

  describe('« appeler le suivant »', () => {
    test('calls appointments whose time has come, then walk-ins by arrival, then early comers', async () => {
      const early = await appointment({ motif: 'cni', start: '2027-03-23T09:00:00Z' });
      const due = await appointment({ motif: 'cni', start: '2027-03-23T08:10:00Z', resource: ids.guichet2 });
      await checkIn(early.reference, 'mairie', at('2027-03-23T07:50:00Z'));
      const w1 = await walkIn('mairie', ids.cni!, at('2027-03-23T07:55:00Z'));
      const w2 = await walkIn('mairie', null, at('2027-03-23T07:58:00Z'));
      const d = await checkIn(due.reference, 'mairie', at('2027-03-23T08:05:00Z'));
      clock.current = at('2027-03-23T08:15:00Z');
      const order: string[] = [];
      for (let i = 0; i < 5; i++) {
        const called = await next('guichet1', new Date(clock.current.getTime() + i * 60_000));
        order.push(called?.code ?? 'personne');
      }
      assert.deepEqual(order, [d.code, w1.code, w2.code, 'R001', 'personne']);
      const [first] = await sql<{ status: string; completed_at: Date; served_at: Date }>(
        'select status, completed_at, served_at from counter_tickets where id = $1',
        [d.ticketId],
      );
      assert.equal(first!.status, 'seen', 'calling the next ends the previous service');
      assert.equal(first!.served_at.toISOString(), '2027-03-23T08:15:00.000Z');
      assert.equal(first!.completed_at.toISOString(), '2027-03-23T08:16:00.000Z');
      const [a] = await sql<{ status: string; called_at: Date; counter_resource_id: string }>(
        'select status, called_at, counter_resource_id from appointments where id = $1',
        [due.id],
      );
      assert.equal(a!.status, 'seen');
      assert.equal(a!.called_at.toISOString(), '2027-03-23T08:15:00.000Z');
      assert.equal(a!.counter_resource_id, ids.guichet1);
    });

    test('someone who left without waiting is passed over, and cannot leave once called', async () => {
      const gone = await walkIn('mairie', ids.cni!, at('2027-03-23T07:50:00Z'));
      const stays = await walkIn('mairie', ids.cni!, at('2027-03-23T07:55:00Z'));
      const leave = (ticketId: string) =>
        tx((trx) => markTicketLeft(trx, { siteId: ids.mairie!, ticketId, now: clock.now() }));
      await leave(gone.id);
      assert.equal((await next('guichet1'))?.code, stays.code);
      assert.equal((await refusal(leave(stays.id))).code, 'ticket_not_current');
      const rows = await sql<{ status: string; called_at: Date | null }>(
        'select status, called_at from counter_tickets where id = $1',
        [gone.id],
      );
      assert.deepEqual(rows, [{ status: 'left', called_at: null }]);
    });

    test('a counter calls only the démarches it serves (PACS at Guichet 2)', async () => {
      const pacs = await walkIn('mairie', ids.pacs!);
      assert.equal(await next('guichet1'), null);
      assert.equal((await next('guichet2'))?.code, pacs.code);
    });

    test('two agents pressing at once never call the same ticket', async () => {
      // Six counters at the mairie, four people waiting, every counter pressing at the same moment, ten times.
      for (let i = 3; i <= 6; i++) {
        const [r] = await sql<{ id: string }>(
          "insert into appointment_resources (tenant_id, site_id, name, kind) values ($1, $2, $3, 'counter') returning id",
          [ctx.tenantId, ids.mairie, `Guichet ${i}`],
        );
        ids[`guichet${i}`] = r!.id;
      }
      try {
        const counters = ['guichet1', 'guichet2', 'guichet3', 'guichet4', 'guichet5', 'guichet6'];
        for (let round = 0; round < 10; round++) {
          await sql(
            "update counter_tickets set status = 'seen', completed_at = now() where status in ('called', 'serving')",
          );
          const waiting = await Promise.all([0, 1, 2, 3].map(() => walkIn('mairie', null)));
          const called = await Promise.all(counters.map((c) => next(c)));
          const codes = called.filter((c) => c !== null).map((c) => c.code);
          assert.equal(codes.length, 4, `round ${round}: each waiting person called once`);
          assert.deepEqual(new Set(codes), new Set(waiting.map((w) => w.code)));
        }
        const [dup] = await sql<{ n: number }>(
          "select count(*)::int as n from counter_tickets where status = 'waiting'",
        );
        assert.equal(dup!.n, 0);
      } finally {
        await sql(
          "delete from counter_tickets where counter_resource_id in (select id from appointment_resources where name ~ '^Guichet [3-6]$')",
        );
        await sql("delete from appointment_resources where name ~ '^Guichet [3-6]$'");
      }
    });

    test('the person is there, recalled, absent, or served: each recorded with its times', async () => {
      const a = await appointment({ motif: 'cni', start: '2027-03-23T08:00:00Z' });
      await checkIn(a.reference);
      const w = await walkIn('mairie', ids.cni!);
      const first = (await next('guichet1', at('2027-03-23T08:02:00Z')))!;
      const input = (ticketId: string, now: string) => ({
        tenantId: ctx.tenantId,
        counterId: ids.guichet1!,
        ticketId,
        agentId: ids.agent!,
        now: at(now),
        survey,
      });
      await tx((trx) => recallTicket(trx, input(first.id, '2027-03-23T08:03:00Z')));
      await tx((trx) => markTicketAbsent(trx, input(first.id, '2027-03-23T08:05:00Z')));
      const [absent] = await sql<{ status: string; calls: number }>(
        'select a.status, t.calls from counter_tickets t join appointments a on a.id = t.appointment_id where t.id = $1',
        [first.id],
      );
      assert.deepEqual(absent, { status: 'no_show', calls: 2 });
      const second = (await next('guichet1', at('2027-03-23T08:06:00Z')))!;
      assert.equal(second.code, w.code);
      await tx((trx) => startService(trx, input(second.id, '2027-03-23T08:07:00Z')));
      const stale = await refusal(tx((trx) => recallTicket(trx, input(second.id, '2027-03-23T08:08:00Z'))));
      assert.equal(stale.code, 'ticket_not_current');
      await tx((trx) => finishService(trx, input(second.id, '2027-03-23T08:19:00Z')));
      const [seen] = await sql<{ status: string; wait: number; service: number }>(
        `select status, extract(epoch from called_at - wait_from)::int as wait,
           extract(epoch from completed_at - served_at)::int as service from counter_tickets where id = $1`,
        [second.id],
      );
      assert.deepEqual(seen, { status: 'seen', wait: 360, service: 720 });
      const again = await refusal(tx((trx) => finishService(trx, input(second.id, '2027-03-23T08:20:00Z'))));
      assert.equal(again.code, 'ticket_not_current', 'a button on a page left open changes nothing');
      // The visit gets its survey, bound to the ticket, the site and the démarche; the walk-in
      // has no address: the agent shows the QR code (no mail).
      const invitations = await sql<{ interaction: string; channel: string; site_id: string; demarche_id: string }>(
        'select interaction, channel, site_id, demarche_id from survey_invitations where ticket_id = $1',
        [second.id],
      );
      assert.deepEqual(invitations, [
        { interaction: 'visit', channel: 'guichet', site_id: ids.mairie, demarche_id: ids.cni },
      ]);
      assert.equal((await sql('select 1 from survey_invitations where ticket_id = $1', [first.id])).length, 0);
    });

    test('a booked citizen served receives the survey of the visit by mail; « appeler le suivant » ends it too', async () => {
      const a = await appointment({ motif: 'cni', start: '2027-03-23T08:00:00Z', name: 'Survey' });
      await checkIn(a.reference);
      const called = (await next('guichet1', at('2027-03-23T08:02:00Z')))!;
      await next('guichet1', at('2027-03-23T08:15:00Z'));
      const [invitation] = await sql<{ id: string; site_id: string; ticket_id: string }>(
        'select id, site_id, ticket_id from survey_invitations where ticket_id = $1',
        [called.id],
      );
      assert.equal(invitation?.site_id, ids.mairie);
      const mails = await sql<{ subject: string; text_body: string }>(
        `select subject, text_body from mail_outbox
          where to_address = 'c@example.org' and subject like 'Merci de votre visite%' and text_body like '%Camille Survey%'`,
      );
      assert.equal(mails.length, 1);
      assert.match(mails[0]!.text_body, /Bonjour Camille Survey/);
      assert.match(mails[0]!.text_body, /http:\/\/villebelle\.test\/avis\/[A-Za-z0-9_.-]+/);
    });

    test('appointments nobody checked in: excused, absent once their time has passed, back to « à venir »', async () => {
      const later = await appointment({ motif: 'cni', start: '2027-03-23T10:00:00Z' });
      const past = await appointment({ motif: 'cni', start: '2027-03-23T07:30:00Z', resource: ids.guichet2 });
      const set = (id: string, outcome: 'excused' | 'no_show' | 'booked') =>
        tx((trx) => setAppointmentOutcome(trx, { appointmentId: id, siteId: ids.mairie!, outcome, now: clock.now() }));
      assert.equal((await refusal(set(later.id, 'no_show'))).code, 'invalid_transition');
      await set(later.id, 'excused');
      await set(past.id, 'no_show');
      await set(later.id, 'booked');
      const rows = await sql<{ reference: string; status: string }>(
        'select reference, status from appointments order by starts_at',
      );
      assert.deepEqual(
        rows.map((r) => r.status),
        ['no_show', 'booked'],
      );
      await checkIn(past.reference);
      assert.equal((await refusal(set(past.id, 'excused'))).code, 'appointment_not_booked');
    });
  });

  test('the demo’s morning: one served, one booked citizen at Guichet 2, three waiting, one appointment to check in', async () => {
    await seedDemoCounter(ctx.services.db, ctx.tenantId, clock.now());
    await seedDemoCounter(ctx.services.db, ctx.tenantId, clock.now());
    const tickets = await sql<{ status: string; letter: string; counter: string | null }>(
      `select t.status, t.letter, r.name as counter from counter_tickets t
         left join appointment_resources r on r.tenant_id = t.tenant_id and r.id = t.counter_resource_id
        where t.day = '2027-03-23' order by t.issued_at`,
    );
    assert.deepEqual(
      tickets.map((t) => t.status),
      ['seen', 'waiting', 'waiting', 'serving', 'waiting'],
      'made once, however many times the seed runs',
    );
    assert.deepEqual(tickets[3], { status: 'serving', letter: 'R', counter: 'Guichet 2' });
    const toCheckIn = await sql<{ family_name: string }>(
      "select family_name from appointments where checked_in_at is null and status = 'booked'",
    );
    assert.deepEqual(
      toCheckIn.map((a) => a.family_name),
      ['Martin'],
    );
  });

  describe('figures', () => {
    test('the median waiting time per site and for all sites, as the published results read it', async () => {
      // Called on Monday 22 March: the mairie's people waited 3, 9 and 1 minutes (median 3),
      // the annexe's 20 (the annexe opens on Tuesdays: a ticket of the Monday is still counted
      // where it was called). All together: 1, 3, 9, 20 → median (3 + 9) / 2 = 6 minutes;
      // 90th percentile 9 + 0.7 × 11 = 16.7 minutes. A ticket called on the 23rd is outside.
      const tickets: [string, number, number | null][] = [
        ['mairie', 3, 0],
        ['mairie', 9, 1],
        ['mairie', 1, 2],
        ['annexe', 20, 3],
        ['mairie', 30, 30],
      ];
      for (const [i, [site, wait, hour]] of tickets.entries()) {
        const arrival = new Date(at('2027-03-22T08:00:00Z').getTime() + hour! * 3_600_000);
        await sql(
          `insert into counter_tickets (tenant_id, site_id, day, letter, number, status, issued_at, wait_from,
             called_at, last_called_at, calls, completed_at)
           values ($1, $2, $3::timestamptz::date, 'A', $4, 'seen', $3, $3, $5, $5, 1, $5)`,
          [ctx.tenantId, ids[site], arrival, i + 1, new Date(arrival.getTime() + wait * 60_000)],
        );
      }
      const result = await tx((trx) => medianWaitingTimeBySite(trx, { from: '2027-03-22', to: '2027-03-22' }));
      const bySite = Object.fromEntries(result.sites.map((s) => [s.siteId, s]));
      assert.equal(bySite[ids.mairie!]!.called, 3);
      assert.equal(bySite[ids.mairie!]!.medianWaitSeconds, 180);
      assert.equal(bySite[ids.annexe!]!.medianWaitSeconds, 1200);
      assert.equal(result.all.called, 4);
      assert.equal(result.all.medianWaitSeconds, 360);
      assert.equal(Math.round(result.all.p90WaitSeconds!), 1002);
      const empty = await tx((trx) => medianWaitingTimeBySite(trx, { from: '2027-03-01', to: '2027-03-07' }));
      assert.deepEqual(
        empty.sites.map((s) => s.medianWaitSeconds),
        [null, null],
        'every site with counters is listed, without a time',
      );
      assert.equal(empty.all.medianWaitSeconds, null);
    });

    test('match the hand-computed fixture: waits, service, no-shows, slots offered and booked, first free slot', async () => {
      // Monday 22 March 2027 at the mairie. Five walk-ins for the identity card waited 2, 4, 6, 8
      // and 10 minutes; four were served 4, 6, 8 and 20 minutes, one did not come when called.
      const waits = [2, 4, 6, 8, 10];
      const services = [4, 6, 8, 20, null];
      for (const [i, wait] of waits.entries()) {
        const arrival = new Date(at('2027-03-22T08:00:00Z').getTime() + i * 3_600_000);
        const called = new Date(arrival.getTime() + wait * 60_000);
        const service = services[i] ?? null;
        await sql(
          `insert into counter_tickets (tenant_id, site_id, day, letter, number, demarche_id, status, issued_at,
             wait_from, called_at, last_called_at, calls, served_at, completed_at, counter_resource_id)
           values ($1, $2, '2027-03-22', 'A', $3, $4, $5, $6, $6, $7, $7, 1, $8, $9, $10)`,
          [
            ctx.tenantId,
            ids.mairie,
            i + 1,
            ids.cni,
            service === null ? 'no_show' : 'seen',
            arrival,
            called,
            service === null ? null : called,
            service === null ? called : new Date(called.getTime() + service * 60_000),
            ids.guichet1,
          ],
        );
      }
      // Six passport appointments that Monday: two seen, one marked absent, one never came, one
      // excused, one cancelled; booked 1 to 5 days ahead (median 3 days).
      const statuses = ['seen', 'seen', 'no_show', 'booked', 'excused', 'cancelled'];
      for (const [i, status] of statuses.entries()) {
        const start = new Date(at('2027-03-22T07:30:00Z').getTime() + i * 25 * 60_000);
        await appointment({
          motif: 'passeport',
          start: start.toISOString(),
          status,
          createdAt: new Date(start.getTime() - (i + 1) * 86_400_000).toISOString(),
        });
      }
      const f = await tx((trx) =>
        counterIndicators(trx, { tenantId: ctx.tenantId, from: '2027-03-22', to: '2027-03-22', now: clock.now() }),
      );
      const cni = f.rows.find((r) => r.demarcheId === ids.cni && r.siteId === ids.mairie)!;
      assert.equal(cni.called, 5);
      assert.equal(cni.wait.median, 360);
      assert.equal(Math.round(cni.wait.p90!), 552, 'percentile_cont: 8 + 0.6 × 2 minutes');
      assert.equal(cni.service.median, 420, '(6 + 8) / 2 minutes');
      assert.equal(Math.round(cni.service.p90!), 984, '8 + 0.7 × 12 minutes');
      // Two counters open 8:30–12:00 and 13:30–17:30, slots of 20 + 5 minutes: 8 + 9 per counter.
      assert.equal(cni.slotsOffered, 34);
      assert.equal(cni.slotsBooked, 0);
      const passport = f.rows.find((r) => r.demarcheId === ids.passeport && r.siteId === ids.mairie)!;
      assert.equal(passport.slotsBooked, 5, 'the cancelled one is not booked');
      assert.equal(passport.appointmentsDue, 5);
      assert.equal(passport.seen, 2);
      assert.equal(passport.excused, 1);
      assert.equal(passport.noShows, 2, 'marked absent, or never came');
      assert.equal(passport.noShowRate, 0.4);
      assert.equal(passport.bookingLead.median, 3 * 86_400);
      const pacs = f.rows.find((r) => r.demarcheId === ids.pacs)!;
      assert.equal(pacs.slotsOffered, 7, 'Guichet 2 only, 45 + 15 minutes: 3 in the morning, 4 in the afternoon');
      assert.ok(!f.rows.some((r) => r.siteId === ids.annexe), 'the annexe is closed on Mondays');
      assert.equal(f.total.called, 5);
      assert.equal(f.total.wait.median, 360);
      assert.equal(f.total.slotsOffered, 34 + 34 + 7);
      assert.equal(f.total.slotsBooked, 5);
      assert.equal(f.total.noShowRate, 0.4);
      // From Tuesday 9:00 with 30 minutes' notice: the identity card's first slot is 9:45 (20 + 5 minute steps from 8:30).
      const first = f.firstFreeSlots.find((s) => s.demarcheId === ids.cni)!;
      assert.equal(first.start?.toISOString(), '2027-03-23T08:45:00.000Z');
      assert.equal(first.leadSeconds, 45 * 60);
      const annexeOnly = await tx((trx) =>
        counterIndicators(trx, {
          tenantId: ctx.tenantId,
          from: '2027-03-22',
          to: '2027-03-22',
          siteId: ids.annexe!,
          now: clock.now(),
        }),
      );
      assert.equal(annexeOnly.rows.length, 0);
      assert.equal(annexeOnly.total.called, 0);
      assert.equal(annexeOnly.total.wait.median, null);
    });
  });
});
