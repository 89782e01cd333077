import type { Tx } from '../../db/tenant-scope.ts';

/**
 * « @Camille », « @camille.voirie »: an @ at the start of a word (not inside an address such as
 * camille@mairie.fr), then letters, digits, dots, hyphens and underscores; a final dot or hyphen
 * is the sentence's, not the name's.
 */
const MENTION = /(?<![\p{L}\p{N}._%+-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu;

/** Lower case without accents: « @Hélène » finds Hélène Durand and helene.durand@…. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The names mentioned in a text, each once, as written (without the @). */
export function mentionedNames(text: string): string[] {
  const names = [...text.matchAll(MENTION)].map((m) => m[1]!.replace(/[._-]+$/u, ''));
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = fold(n);
    if (n === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface MentionedAgent {
  id: string;
  email: string;
  display_name: string;
}

export interface ResolvedMentions {
  agents: MentionedAgent[];
  /** Names that match no active agent of the tenant (an agent of another tenant is not seen here). */
  unknown: string[];
  /** Names that match several agents (a first name two colleagues share). */
  ambiguous: string[];
}

/**
 * Finds the agents a note mentions among the active agents of the current tenant (row-level
 * security: another tenant's agents are never candidates). A name matches the part of an agent's
 * address before the @, their first name, or their full name with dots (« camille.martin »),
 * compared without case and accents.
 */
export async function resolveMentions(trx: Tx, names: string[]): Promise<ResolvedMentions> {
  if (names.length === 0) return { agents: [], unknown: [], ambiguous: [] };
  const candidates = await trx
    .selectFrom('agents')
    .select(['id', 'email', 'display_name'])
    .where('active', '=', true)
    .execute();
  const keys = candidates.map((a) => {
    const words = fold(a.display_name).trim().split(/\s+/u);
    return { agent: a, local: fold(a.email.split('@')[0] ?? ''), first: words[0] ?? '', full: words.join('.') };
  });
  const found = new Map<string, MentionedAgent>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const name of names) {
    const n = fold(name);
    const exact = keys.filter((k) => k.local === n || k.full === n);
    const matches = exact.length > 0 ? exact : keys.filter((k) => k.first === n);
    if (matches.length === 0) unknown.push(name);
    else if (matches.length > 1) ambiguous.push(name);
    else found.set(matches[0]!.agent.id, matches[0]!.agent);
  }
  return { agents: [...found.values()], unknown, ambiguous };
}

/** The form error for names that cannot be told, listing them. */
export function mentionErrorMessage(r: Pick<ResolvedMentions, 'unknown' | 'ambiguous'>): string | null {
  const parts: string[] = [];
  const list = (names: string[]) => names.map((n) => `@${n}`).join(', ');
  if (r.unknown.length === 1) parts.push(`Aucun agent de la collectivité ne correspond à ${list(r.unknown)}.`);
  else if (r.unknown.length > 1)
    parts.push(`Aucun agent de la collectivité ne correspond à ces mentions : ${list(r.unknown)}.`);
  if (r.ambiguous.length > 0)
    parts.push(
      `${list(r.ambiguous)} désigne plusieurs agents : écrivez le début de son adresse électronique, par exemple @camille.voirie.`,
    );
  return parts.length === 0 ? null : parts.join(' ');
}
