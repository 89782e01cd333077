import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { checkbox, choice, email, parseForm, password, text } from './form.ts';

const contact = z.object({
  email: email({ required: 'Indiquez votre adresse électronique.' }),
  message: text({ max: 5000, required: 'Écrivez votre message.' }),
  motif: choice(['question', 'reclamation'], 'Choisissez un motif.'),
  copie: checkbox(),
  password: password({ required: 'Indiquez votre mot de passe.' }),
});

test('valid fields become typed values: trimmed text, booleans, the first of repeated values', () => {
  const r = parseForm(contact, {
    email: ' camille@example.fr ',
    message: ['  Bonjour  ', 'ignored'],
    motif: 'question',
    copie: 'on',
    password: ' espaces gardés ',
  });
  assert.deepEqual(r, {
    ok: true,
    value: {
      email: 'camille@example.fr',
      message: 'Bonjour',
      motif: 'question',
      copie: true,
      password: ' espaces gardés ',
    },
  });
});

test('errors come one per field, in page order, in French', () => {
  const r = parseForm(contact, { email: 'pas-une-adresse', message: 'x'.repeat(5001), motif: 'autre' });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.errors, [
    { field: 'email', message: 'Indiquez une adresse électronique valide, par exemple nom@exemple.fr.' },
    { field: 'message', message: 'Ce texte est trop long : 5\u202f000 caractères au plus.' },
    { field: 'motif', message: 'Choisissez un motif.' },
    { field: 'password', message: 'Indiquez votre mot de passe.' },
  ]);
});

test('an empty required field and a forged value get readable messages, never zod’s English', () => {
  const r = parseForm(contact, { email: '   ', message: { nested: true } as never, motif: ['question'] });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.errors.find((e) => e.field === 'email')?.message, 'Indiquez votre adresse électronique.');
  assert.equal(r.errors.find((e) => e.field === 'message')?.message, 'Cette valeur n’est pas valide.');
  assert.equal(
    r.errors.find((e) => e.field === 'motif'),
    undefined,
  );
  for (const e of r.errors) assert.doesNotMatch(e.message, /Invalid|Expected|received/);
});

test('a message starting with an accented capital is kept as written', () => {
  const schema = z.object({ note: text({ max: 10, required: 'Écrivez une note.' }) });
  const r = parseForm(schema, { note: '' });
  assert.deepEqual(r, { ok: false, errors: [{ field: 'note', message: 'Écrivez une note.' }] });
});
