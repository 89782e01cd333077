import { z } from 'zod';
import { text } from '../../platform/web/form.ts';
import { parseDate } from '../requests/form-engine/validate.ts';
import { isJournalAction, type JournalAction } from './journal-actions.ts';
import type { JournalCursor, JournalFilter } from './repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f-]{36})$/i;

/** A day typed as 2026-03-15 (date inputs) or 15/03/2026; '' when left empty. */
export function day(label: string) {
  return text({ max: 20, required: false, tooLong: `${label} : indiquez une date, par exemple 15/03/2026.` })
    .refine((v) => v === '' || parseDate(v) !== null, {
      error: `${label} : indiquez une date réelle, par exemple 15/03/2026.`,
    })
    .transform((v) => (v === '' ? null : parseDate(v)));
}

/** The journal's filters, as the GET form sends them. Every field may be left empty. */
export const journalFilterForm = z
  .object({
    agent: text({ max: 36, required: false })
      .refine((v) => v === '' || UUID.test(v), { error: 'Choisissez un agent dans la liste.' })
      .transform((v) => (v === '' ? null : v.toLowerCase())),
    du: day('Du'),
    au: day('Au'),
    action: text({ max: 40, required: false })
      .refine((v) => v === '' || isJournalAction(v), { error: 'Choisissez une action dans la liste.' })
      .transform((v) => (v === '' ? null : (v as JournalAction))),
    reference: text({ max: 40, required: false }).transform((v) => (v === '' ? null : v.toUpperCase())),
    usager: text({
      max: 100,
      required: false,
      tooLong: 'Usager : 100 caractères au plus (une partie du nom ou de l’adresse suffit).',
    }).transform((v) => (v === '' ? null : v)),
    apres: text({ max: 80, required: false })
      .refine((v) => v === '' || CURSOR.test(v), { error: 'Ce lien de page n’est pas valide : repartez du début.' })
      .transform((v): JournalCursor | null => {
        const m = CURSOR.exec(v);
        return m ? { at: m[1] as string, id: (m[2] as string).toLowerCase() } : null;
      }),
  })
  .superRefine((v, ctx) => {
    if (v.du && v.au && v.du > v.au)
      ctx.addIssue({ code: 'custom', path: ['au'], message: 'Au : choisissez une date après celle de début.' });
  });

export type JournalQuery = z.output<typeof journalFilterForm>;

/** The filter part of a parsed query. */
export function journalFilterOf(q: JournalQuery): JournalFilter {
  return {
    agentId: q.agent,
    from: q.du,
    to: q.au,
    action: q.action,
    reference: q.reference,
    citizen: q.usager,
  };
}

/** The cursor as the « page suivante » link carries it. */
export function cursorParam(entry: { atKey: string; id: string }): string {
  return `${entry.atKey}_${entry.id}`;
}
