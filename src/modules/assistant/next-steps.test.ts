import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextSteps } from './next-steps.ts';

const tenant = { contact: { phone: '01 00 00 00 00' } } as Parameters<typeof nextSteps>[0];
const links = { base: '/t/villebelle', handoffUrl: null };
const article = (
  over: Partial<{ slug: string; form: unknown; channels: string[]; kind: string; bookable: boolean }>,
) => ({
  slug: 'passeport',
  form: null,
  channels: ['rendez-vous', 'guichet'],
  kind: 'demarche',
  ...over,
});

describe('next steps after an answer', () => {
  test('a démarche booked online leads to its booking pages', () => {
    const steps = nextSteps(tenant, article({ bookable: true }), links);
    const rdv = steps.find((s) => s.kind === 'appointment');
    assert.equal(rdv?.url, '/t/villebelle/rendez-vous/passeport');
  });

  test('done by appointment but not booked online: the contact page (phone, counter)', () => {
    const steps = nextSteps(tenant, article({ bookable: false }), links);
    assert.equal(steps.find((s) => s.kind === 'appointment')?.url, '/t/villebelle/contact');
  });

  test('not done by appointment: no such step; always a person and the phone', () => {
    const steps = nextSteps(tenant, article({ channels: ['en-ligne'], bookable: false }), links);
    assert.equal(
      steps.some((s) => s.kind === 'appointment'),
      false,
    );
    assert.ok(steps.some((s) => s.kind === 'call' && s.url === 'tel:0100000000'));
    assert.ok(steps.some((s) => s.label === 'Parler à une personne'));
  });
});
