import { z } from 'zod';
import { LIFE_EVENTS } from '../catalogue/taxonomy.ts';
import { checkbox, choice, choices, hidden, text } from '../../platform/web/form.ts';
import { INTAKE_CHANNELS } from '../requests/route-item.ts';

export const RULE_NAME_MAX = 120;
export const KEYWORD_MAX = 60;
export const PLACE_MAX = 80;
export const KEYWORDS_MAX_COUNT = 50;
export const PLACES_MAX_COUNT = 100;
export const ABSENCE_REASON_MAX = 200;

const THEME_SLUGS = LIFE_EVENTS.map((e) => e.slug) as [string, ...string[]];
const CHANNEL_KEYS = Object.keys(INTAKE_CHANNELS) as [
  keyof typeof INTAKE_CHANNELS,
  ...(keyof typeof INTAKE_CHANNELS)[],
];

/** Identifiers sent by checkboxes sharing a name: a list of bounded strings, checked by the use case. */
function ids(message: string) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().max(100, { error: message })).max(500, { error: message }),
  );
}

/** A routing rule, created or edited. Lists are typed one item per line (or separated by commas). */
export const routingRuleForm = z.object({
  nom: text({
    max: RULE_NAME_MAX,
    required: 'Donnez un nom à la règle, par exemple « Éclairage public vers la voirie ».',
    tooLong: `Le nom est trop long : ${RULE_NAME_MAX} caractères au plus.`,
  }),
  service: hidden(100),
  demarches: ids('Choisissez des démarches de la liste.'),
  themes: choices(THEME_SLUGS, 'Choisissez des thèmes de la liste.'),
  mots_cles: text({ max: 4000, required: false, tooLong: 'La liste des mots-clés est trop longue.' }),
  lieux: text({ max: 4000, required: false, tooLong: 'La liste des lieux est trop longue.' }),
  canaux: choices(CHANNEL_KEYS, 'Choisissez des canaux de la liste.'),
  actif: checkbox(),
});
export type RoutingRuleValues = {
  nom: string;
  service: string;
  demarches: string[];
  themes: string[];
  mots_cles: string;
  lieux: string;
  canaux: string[];
  actif: boolean;
};

/** « Tester »: a sample item, to see which rule would apply. */
export const routingTestForm = z.object({
  demarche: hidden(100),
  canal: choice(CHANNEL_KEYS, 'Choisissez le canal.'),
  texte: text({ max: 5000, required: false, tooLong: 'Le texte est trop long : 5 000 caractères au plus.' }),
  code_postal: text({
    max: 10,
    required: false,
    pattern: { regex: /^\d{5}$/, message: 'Le code postal a 5 chiffres, par exemple 27000.' },
  }),
  commune: text({ max: 100, required: false }),
});
export type RoutingTestValues = {
  demarche: string;
  canal: string;
  texte: string;
  code_postal: string;
  commune: string;
};

/** The services whose new items go to their agents in turn. */
export const autoAssignForm = z.object({ services: ids('Choisissez des services de la liste.') });

/** An absence, declared for oneself or for an agent one supervises. */
export const absenceForm = z.object({
  agent: hidden(100),
  du: text({ max: 20, required: 'Indiquez le premier jour de l’absence, par exemple 23/12/2026.' }),
  au: text({ max: 20, required: 'Indiquez le dernier jour de l’absence, par exemple 03/01/2027.' }),
  motif: text({
    max: ABSENCE_REASON_MAX,
    required: false,
    tooLong: `Le motif est trop long : ${ABSENCE_REASON_MAX} caractères au plus.`,
  }),
});
export type AbsenceValues = { agent: string; du: string; au: string; motif: string };

/** Items of a list typed one per line or separated by commas or semicolons: trimmed, each once. */
export function splitList(value: string): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const raw of value.split(/[\n,;]+/)) {
    const item = raw.trim().replace(/\s+/g, ' ');
    const key = item.toLowerCase();
    if (item === '' || seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items;
}

/** A day typed as 23/12/2026 (or 2026-12-23, as a date field sends it): 'YYYY-MM-DD', or null. */
export function parseDay(value: string): string | null {
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const [y, m, d] = fr ? [fr[3], fr[2], fr[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!y || !m || !d) return null;
  const day = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${day}T12:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day ? null : day;
}
