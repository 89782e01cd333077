import { z } from 'zod';
import { choice, hidden, text } from '../../platform/web/form.ts';
import { day } from '../audit/forms.ts';
import { SEARCH_MAX } from './find-appointments.ts';

export const NAME_MAX = 200;

/** A walk-in's ticket: the démarche (a démarche's id, or « autre ») and, if given, a name. */
export const walkInForm = z.object({
  demarche: hidden(100).refine((v) => v !== '', { error: 'Choisissez la démarche de la personne.' }),
  nom: text({ max: NAME_MAX, required: false, tooLong: `Le nom est trop long : ${NAME_MAX} caractères au plus.` }),
});
export type WalkInValues = { demarche: string; nom: string };

/** Checking in: the reference (or the QR code's link, which ends with it). */
export const checkInForm = z.object({
  reference: text({
    max: SEARCH_MAX,
    required: 'Indiquez la référence du rendez-vous, par exemple RDV-4F7K2X.',
    tooLong: 'Ce texte est trop long.',
    pattern: { regex: /RDV-[0-9A-Z]{6}/i, message: 'Une référence de rendez-vous ressemble à RDV-4F7K2X.' },
  }),
});

/** « Partie sans attendre »: the button sends confirmer=oui. */
export const leftForm = z.object({ confirmer: choice(['oui'], 'Confirmez que la personne est partie.') });

/** What became of an appointment nobody checked in. */
export const OUTCOMES = { excuse: 'excused', absent: 'no_show', 'a-venir': 'booked' } as const;
export const outcomeForm = z.object({
  statut: choice(['excuse', 'absent', 'a-venir'], 'Choisissez un état de la liste.'),
});

/** The actions on the ticket at a counter (the last part of the form's address). */
export const TICKET_ACTIONS = ['commencer', 'terminer', 'absent', 'rappeler'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** The period and the site of the figures; the last thirty days by default. */
export const figuresForm = z
  .object({
    du: day('Du'),
    au: day('Au'),
    lieu: hidden(100),
  })
  .superRefine((v, ctx) => {
    if (v.du && v.au && v.du > v.au)
      ctx.addIssue({ code: 'custom', path: ['au'], message: 'Au : choisissez une date après celle de début.' });
  });
