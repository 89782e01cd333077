/**
 * Appointments in Chromium against a real server process with the demo data, every page checked
 * with axe-core: a citizen books an identity-card appointment without an account (démarche →
 * place → slot → details), the confirmation mail carries an .ics (parsed with ical.js: start,
 * end, Europe/Paris), she moves it from the mailed link, then cancels it; an agent books for a
 * caller from the workspace and gets the agenda invitation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { mailText, startE2eSession, type E2eSession } from '../support/e2e-session.ts';

const EMAIL = 'lea.moreau@example.org';

/** The calendar file a mail carries, parsed: its METHOD and its event. */
function calendarOf(mail: ParsedMail): { method: string; event: ICAL.Event; tzid: string | undefined } {
  const file = mail.attachments.find((a) => /text\/calendar/.test(a.contentType) || a.filename?.endsWith('.ics'));
  assert.ok(file, `an .ics attached to « ${mail.subject} »`);
  const root = new ICAL.Component(ICAL.parse(file.content.toString('utf8')));
  const vevent = root.getFirstSubcomponent('vevent')!;
  return {
    method: String(root.getFirstPropertyValue('method')),
    event: new ICAL.Event(vevent),
    tzid: vevent.getFirstProperty('dtstart')?.getParameter('tzid') as string | undefined,
  };
}

/** The UTC start a slot id ends with (…20261207T0830Z). */
function startOfSlot(slotId: string): number {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z$/.exec(slotId)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
}

describe('appointments in a browser', { timeout: 240_000 }, () => {
  let s: E2eSession;
  before(async () => {
    s = await startE2eSession();
  });
  after(async () => s?.close());

  const toMe = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text.includes(EMAIL));

  test('book → the mail and its .ics → move → cancel', async () => {
    const { page } = s;
    await s.goto('/rendez-vous');
    await s.assertAccessible('the démarches one books for');
    await Promise.all([
      page.waitForURL(/\/rendez-vous\/carte-identite$/),
      page.click('a[href$="/rendez-vous/carte-identite"]'),
    ]);
    await s.assertAccessible('step 1: the place');
    await Promise.all([
      page.waitForURL(/\/creneaux/),
      page.getByRole('button', { name: 'Voir les jours et les heures' }).click(),
    ]);
    await s.assertAccessible('step 2: the slots');
    // The first slot that can still be moved online: the motif's default lets a citizen change
    // an appointment until 4 hours before, and a slot can be booked 30 minutes ahead (on a
    // morning the counter is open, the very first slots cannot be moved).
    const slotIds = (await page
      .locator('a.slot-time')
      .evaluateAll((links) =>
        links.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('creneau')!),
      )) as string[];
    const slotId = slotIds.find((id) => startOfSlot(id) > Date.now() + 5 * 3600_000);
    assert.ok(slotId, 'a slot more than 5 hours ahead');
    const first = page.locator(`a.slot-time[href*="creneau=${slotId}"]`).first();
    await Promise.all([page.waitForURL(/\/coordonnees/), first.click()]);
    await s.assertAccessible('step 3: the details');
    await page.fill('#prenom', 'Léa');
    await page.fill('#nom', 'Moreau');
    await page.fill('#courriel', EMAIL);
    await Promise.all([
      page.waitForURL(/\/rendez-vous\/gerer\/[\w-]+\?fait=reserve/),
      page.getByRole('button', { name: 'Confirmer le rendez-vous' }).click(),
    ]);
    await s.assertAccessible('the appointment booked');
    const reference = (await page.locator('dd.reference').innerText()).trim();
    assert.match(reference, /^RDV-[0-9A-Z]{6}$/);

    const booked = await s.smtp.waitFor((m) => toMe(m) && /Rendez-vous confirmé/.test(m.subject ?? ''), 20_000);
    assert.match(mailText(booked), /photo d'identité|photo d’identité/i, 'the documents to bring');
    const bookedIcs = calendarOf(booked);
    assert.equal(bookedIcs.method, 'PUBLISH');
    assert.equal(bookedIcs.tzid, 'Europe/Paris');
    assert.equal(bookedIcs.event.startDate.zone?.tzid, 'Europe/Paris');
    assert.equal(bookedIcs.event.startDate.toJSDate().getTime(), startOfSlot(slotId));
    assert.equal(bookedIcs.event.endDate.toJSDate().getTime(), startOfSlot(slotId) + 20 * 60_000, '20 minutes');
    const manage = /https?:\/\/[^\s"<>]+\/rendez-vous\/gerer\/[\w-]{43}/.exec(mailText(booked))?.[0];
    assert.ok(manage, 'the link to manage it');

    // Move, from the mailed link.
    await page.goto(manage);
    await s.assertAccessible('the appointment from the mail');
    await Promise.all([
      page.waitForURL(/\/deplacer$/),
      page.getByRole('link', { name: 'Déplacer le rendez-vous' }).click(),
    ]);
    await s.assertAccessible('moving: the slots');
    // Another slot that can still be changed (to cancel it below).
    const newSlot = (
      (await page
        .locator('input[name="creneau"]')
        .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))) as string[]
    ).find((id) => id !== slotId && startOfSlot(id) > Date.now() + 5 * 3600_000);
    assert.ok(newSlot, 'another slot more than 5 hours ahead');
    const radio = page.locator(`input[name="creneau"][value="${newSlot}"]`);
    await radio.check();
    await Promise.all([
      page.waitForURL(/\?fait=deplace/),
      page.getByRole('button', { name: 'Déplacer à ce créneau' }).click(),
    ]);
    await s.assertAccessible('the appointment moved');
    const moved = await s.smtp.waitFor((m) => toMe(m) && /Rendez-vous déplacé/.test(m.subject ?? ''), 20_000);
    const movedIcs = calendarOf(moved);
    assert.equal(movedIcs.event.uid, bookedIcs.event.uid, 'the same event in the calendar');
    assert.equal(movedIcs.event.sequence, 1);
    assert.equal(movedIcs.event.startDate.toJSDate().getTime(), startOfSlot(newSlot));
    assert.equal(movedIcs.tzid, 'Europe/Paris');

    // Cancel.
    await Promise.all([
      page.waitForURL(/\?fait=annule/),
      page.getByRole('button', { name: 'Annuler le rendez-vous' }).click(),
    ]);
    await s.assertAccessible('the appointment cancelled');
    const cancelled = await s.smtp.waitFor((m) => toMe(m) && /Rendez-vous annulé/.test(m.subject ?? ''), 20_000);
    const cancelIcs = calendarOf(cancelled);
    assert.equal(cancelIcs.method, 'CANCEL');
    assert.equal(cancelIcs.event.uid, bookedIcs.event.uid);
    // The first mail's link, spent by the move, shows the appointment as it is now, with nothing to do.
    await page.goto(manage);
    assert.equal(await page.locator('h1').innerText(), 'Rendez-vous annulé');
    assert.equal(await page.getByRole('button', { name: 'Annuler le rendez-vous' }).count(), 0);
    await s.assertAccessible('a spent link');
  });

  test('an agent books for a caller from the workspace; the agenda shows it', async () => {
    const { page } = s;
    const agent = s.accounts.find((a) => a.email.startsWith('etat-civil@'));
    assert.ok(agent, `demo team missing in the server output:\n${s.server.stdout()}`);
    await page.context().clearCookies();
    await s.goto('/agent/connexion');
    await page.fill('#email', agent.email);
    await page.fill('#password', agent.password);
    await Promise.all([
      page.waitForURL(/\/agent\/demandes/),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(/\/agent\/rendez-vous$/),
      page.getByRole('link', { name: 'Rendez-vous', exact: true }).click(),
    ]);
    await s.assertAccessible('the day’s appointments');
    await Promise.all([
      page.waitForURL(/\/agent\/rendez-vous\/nouveau/),
      page.getByRole('link', { name: 'Prendre un rendez-vous pour un appelant' }).click(),
    ]);
    await page.selectOption('#demarche', 'passeport');
    await Promise.all([
      page.waitForURL(/demarche=passeport/),
      page.getByRole('button', { name: 'Voir les créneaux' }).click(),
    ]);
    await s.assertAccessible('booking for a caller: the slots');
    const slot = page.locator('input[name="creneau"]').first();
    const slotId = (await slot.getAttribute('value'))!;
    await slot.check();
    await page.fill('#prenom', 'Marcel');
    await page.fill('#nom', 'Dupuis');
    await page.fill('#telephone', '06 11 22 33 44');
    await Promise.all([
      page.waitForURL(/\/agent\/rendez-vous\/RDV-[0-9A-Z]{6}\?fait=reserve/),
      page.getByRole('button', { name: 'Réserver' }).click(),
    ]);
    await s.assertAccessible('the caller’s appointment');
    const reference = /RDV-[0-9A-Z]{6}/.exec(page.url())![0];
    const invitation = await s.smtp.waitFor(
      (m) =>
        (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text.includes(agent.email)) &&
        /Marcel Dupuis/.test(m.subject ?? ''),
      20_000,
    );
    const ics = calendarOf(invitation);
    assert.equal(ics.method, 'REQUEST', 'an invitation in the agent’s agenda');
    assert.equal(ics.tzid, 'Europe/Paris');
    // On the agenda of its day, by name, linked to the appointment.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(startOfSlot(slotId)));
    await s.goto(`/agent/rendez-vous?jour=${day}`);
    await s.assertAccessible('the agenda of that day');
    const row = page.getByRole('link', { name: 'Marcel Dupuis' });
    assert.match((await row.getAttribute('href')) ?? '', new RegExp(`/agent/rendez-vous/${reference}$`));
    // Per site: his site lists him, the other one does not.
    const where = await page.locator('tr', { has: row }).locator('td').nth(3).innerText();
    const other = where.startsWith('Mairie de Villebelle') ? 'Mairie annexe des Coteaux' : 'Mairie de Villebelle';
    await page.selectOption('#lieu', { label: other });
    await Promise.all([page.waitForURL(/lieu=/), page.getByRole('button', { name: 'Afficher' }).click()]);
    assert.equal(await page.getByRole('link', { name: 'Marcel Dupuis' }).count(), 0);
    await s.assertAccessible('the agenda of one site');
  });
});
