import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mailHtmlText, mailPlainText } from '../../test/support/pages.ts';
import {
  accountExistsMail,
  activateAccountMail,
  resetPasswordMail,
  verifyEmailMail,
} from '../modules/citizens/mails.ts';
import { submissionMail } from '../modules/requests/notifications.ts';
import { buildStatusNotification } from '../modules/requests/status-notification.ts';
import type { Tenant } from '../modules/tenants/tenant.ts';
import { renderMail } from './mail-template.ts';

const tenant: Tenant = {
  id: '00000000-0000-4000-8000-000000000001',
  slug: 'villebelle',
  name: 'Villebelle',
  kind: 'commune',
  inseeCode: null,
  departementName: null,
  regionName: null,
  population: null,
  referencePrefix: 'VB',
  contact: { phone: '02 32 00 00 00', email: 'contact@villebelle.example', address: '1 place de la Mairie' },
  theme: {},
  dpo: {},
};
const base = 'https://villebelle.example';
const link = `${base}/jeton?x=1&y=2`;

/** Every mail a citizen can receive, built by the application's own functions. */
const mails = {
  submission: {
    to: 'a@example.org',
    ...submissionMail({
      tenant,
      reference: 'VB-2026-4F7K2',
      secret: 'K7M3-QX9P-2D4F',
      demarcheTitle: 'Signaler un problème <voirie> & « trottoir »',
      applicantName: 'Nguyễn Łukasz Ørsted',
      dueOn: '2026-12-12',
      delayDays: 10,
      baseUrl: base,
    }),
  },
  status: buildStatusNotification({
    to: 'a@example.org',
    requestId: 'r',
    reference: 'VB-2026-4F7K2',
    demarcheTitle: 'Acte',
    applicantName: null,
    status: 'en_attente_usager',
    message: 'Envoyez la pièce manquante.\nMerci.',
    tenant,
    baseUrl: base,
    trackingSecret: 'K7M3-QX9P-2D4F',
  }),
  verify: verifyEmailMail(tenant, 'a@example.org', link),
  exists: accountExistsMail(tenant, 'a@example.org', `${base}/connexion`, `${base}/mot-de-passe-oublie`),
  activate: activateAccountMail(tenant, 'a@example.org', link),
  reset: resetPasswordMail(tenant, 'a@example.org', link),
};

describe('mails: one template, a text part and an HTML part', () => {
  for (const [name, mail] of Object.entries(mails)) {
    test(`${name}: both parts say the same, the HTML part is accessible and escaped`, () => {
      assert.ok(mail.html, 'has an HTML part');
      assert.equal(mailHtmlText(mail.html), mailPlainText(mail.text));
      assert.match(mail.html, /^<!doctype html>\s*<html lang="fr">/);
      assert.ok(
        mail.html.includes(
          `<title>${mail.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title>`,
        ),
      );
      assert.ok(!/<img\b/i.test(mail.html), 'no image needed');
      assert.ok(!/<script\b/i.test(mail.html));
      // Every link of the text part is a real link in the HTML part.
      for (const url of mail.text.match(/https?:\/\/\S+/g) ?? []) {
        assert.ok(mail.html.includes(`href="${url.replace(/&/g, '&amp;')}"`), `${url} is a link`);
      }
      // One footer: who signs, how to reach them; never "reply to this mail".
      assert.match(mail.text, /Mairie de Villebelle\n/);
      assert.match(mail.text, /Téléphone : 02 32 00 00 00/);
      assert.ok(!/répond(ez|re) à ce (courriel|message)|ne pas y répondre/i.test(mail.text));
    });
  }

  test('request mails say to answer through the tracking page, with its link', () => {
    for (const mail of [mails.submission, mails.status]) {
      assert.match(
        mail.text,
        /Pour répondre, utilisez votre page de suivi :\nhttps:\/\/villebelle\.example\/suivi\/VB-2026-4F7K2\?cle=K7M3-QX9P-2D4F\n/,
      );
    }
  });

  test('what people typed is escaped in the HTML part and kept as typed in the text part', () => {
    assert.ok(mails.submission.text.includes('« Signaler un problème <voirie> & « trottoir » »'));
    assert.ok(mails.submission.html.includes('Signaler un problème &lt;voirie&gt; &amp; « trottoir »'));
    assert.ok(mails.submission.html.includes('Bonjour Nguyễn Łukasz Ørsted,'));
    const evil = renderMail({
      to: 'x@example.org',
      subject: '<img src=x onerror=alert(1)>',
      greeting: 'Bonjour,',
      blocks: [{ kind: 'button', label: 'Lien', url: 'javascript:alert(1)" onclick="x' }],
      signature: 'Mairie de Villebelle',
    });
    assert.ok(!evil.html!.includes('<img'));
    assert.ok(!evil.html!.includes('" onclick="x'));
  });
});
