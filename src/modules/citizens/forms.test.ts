import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCharactersFr } from '../../platform/format.ts';
import { parseForm } from '../../platform/web/form.ts';
import {
  confirmEmailForm,
  linkRequestForm,
  loginForm,
  preferencesForm,
  registrationForm,
  revokeSessionForm,
} from './forms.ts';

test('a registration address is normalised like the agents’ one; look-alikes get the clear message', () => {
  const ok = parseForm(registrationForm, {
    email: ' \uff43\uff41\uff4d\uff49\uff4c\uff4c\uff45@Example.org ',
    password: 'a',
    confirmation: 'b',
  });
  // The password policy and the confirmation are the use case's: the form only wants both typed.
  assert.deepEqual(ok, { ok: true, value: { email: 'camille@example.org', password: 'a', confirmation: 'b' } });
  const refused = parseForm(registrationForm, { email: 'p\u0430ul@example.org', password: '', confirmation: '' });
  assert.equal(refused.ok, false);
  if (refused.ok) return;
  assert.deepEqual(
    refused.errors.map((e) => e.field),
    ['email', 'password', 'confirmation'],
  );
  assert.match(refused.errors[0]!.message, /caractères spéciaux ou accentués/);
  assert.equal(refused.errors[1]!.message, 'Choisissez un mot de passe.');
});

test('login: required fields are asked for; over-long values are cut, to fail like wrong credentials', () => {
  const empty = parseForm(loginForm, { email: '  ', password: '' });
  assert.deepEqual(empty, {
    ok: false,
    errors: [
      { field: 'email', message: 'Indiquez votre adresse électronique.' },
      { field: 'password', message: 'Indiquez votre mot de passe.' },
    ],
  });
  const long = parseForm(loginForm, {
    email: 'a'.repeat(5000),
    password: 'b'.repeat(5000),
    retour: '//ailleurs.example',
  });
  assert.equal(long.ok, true);
  if (!long.ok) return;
  assert.equal(long.value.email.length, 320);
  assert.equal(long.value.password.length, 1024);
  assert.equal(long.value.retour, '/mon-espace');
  const retour = parseForm(loginForm, { email: 'a@b.fr', password: 'x', retour: ['/mon-espace/demandes', '/autre'] });
  assert.equal(retour.ok && retour.value.retour, '/mon-espace/demandes');
});

test('a link token that cannot be one reads as an unknown link, not as a form error', () => {
  const r = parseForm(confirmEmailForm, { jeton: 'x'.repeat(500), password: 'secret' });
  assert.deepEqual(r, { ok: true, value: { jeton: '', password: 'secret' } });
  const missing = parseForm(confirmEmailForm, { password: 'secret' });
  assert.deepEqual(missing, { ok: true, value: { jeton: '', password: 'secret' } });
});

test('attaching a request: both fields required, bounded, trimmed', () => {
  assert.deepEqual(parseForm(linkRequestForm, { reference: ' VB-2026-4F7K2 ', cle: ' abc ' }), {
    ok: true,
    value: { reference: 'VB-2026-4F7K2', cle: 'abc' },
  });
  const r = parseForm(linkRequestForm, { reference: 'X'.repeat(41), cle: '' });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(
    r.errors.map((e) => e.field),
    ['reference', 'cle'],
  );
  assert.equal(r.errors[1]!.message, 'Indiquez le code de suivi de la demande.');
});

test('preferences: known choices only, needs deduplicated, the free text bounded', () => {
  const ok = parseForm(preferencesForm, {
    channel: 'sms',
    language: 'fr',
    needs: ['aide_remplir', 'aide_remplir', 'gros_caracteres'],
    needsText: '  Je lis mal.  ',
  });
  assert.deepEqual(ok, {
    ok: true,
    value: { channel: 'sms', language: 'fr', needs: ['aide_remplir', 'gros_caracteres'], needsText: 'Je lis mal.' },
  });
  const none = parseForm(preferencesForm, { channel: 'email', language: 'fr' });
  assert.deepEqual(none.ok && none.value.needs, []);
  const bad = parseForm(preferencesForm, {
    channel: 'pigeon',
    language: 'de',
    needs: 'telepathie',
    needsText: 'x'.repeat(1001),
  });
  assert.equal(bad.ok, false);
  if (bad.ok) return;
  assert.deepEqual(bad.errors, [
    { field: 'channel', message: 'Choisissez comment être contacté.' },
    { field: 'language', message: 'Choisissez une langue de la liste.' },
    { field: 'needs', message: 'Un des besoins cochés est inconnu.' },
    { field: 'needsText', message: `Votre précision ne doit pas dépasser ${formatCharactersFr(1000)}.` },
  ]);
});

test('revoking a connection takes its 64-hex id only', () => {
  const id = 'a'.repeat(64);
  assert.deepEqual(parseForm(revokeSessionForm, { session: id }), { ok: true, value: { session: id } });
  for (const session of ['', 'pas-une-session', 'A'.repeat(64), `${id}0`]) {
    const r = parseForm(revokeSessionForm, { session });
    assert.equal(r.ok, false, session);
    if (!r.ok) assert.equal(r.errors[0]!.message, 'Cette connexion n’existe pas ou est déjà fermée.');
  }
});
