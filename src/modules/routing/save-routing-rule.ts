import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import {
  KEYWORD_MAX,
  KEYWORDS_MAX_COUNT,
  PLACE_MAX,
  PLACES_MAX_COUNT,
  splitList,
  type RoutingRuleValues,
} from './forms.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates a routing rule (last in the order) or changes one. The service and the démarches must
 * be the tenant's; a rule needs at least one condition, otherwise it would take every new item
 * and the démarches' own services would never apply.
 */
export async function saveRoutingRule(
  trx: Tx,
  input: { tenantId: string; id: string | null; values: RoutingRuleValues; now: Date },
): Promise<FormResult<{ id: string }>> {
  const v = input.values;
  const errors: FieldError[] = [];
  const service = UUID.test(v.service)
    ? await trx.selectFrom('services').select('id').where('id', '=', v.service).executeTakeFirst()
    : undefined;
  if (!service) errors.push({ field: 'service', message: 'Choisissez le service où envoyer les demandes.' });
  const demarcheIds = [...new Set(v.demarches)];
  const known =
    demarcheIds.length > 0 && demarcheIds.every((id) => UUID.test(id))
      ? await trx.selectFrom('demarches').select('id').where('id', 'in', demarcheIds).execute()
      : [];
  if (known.length !== demarcheIds.length) {
    errors.push({ field: 'demarches', message: 'Choisissez des démarches de la liste.', anchor: 'demarches-0' });
  }
  const keywords = splitList(v.mots_cles);
  if (keywords.length > KEYWORDS_MAX_COUNT) {
    errors.push({ field: 'mots_cles', message: `Indiquez au plus ${KEYWORDS_MAX_COUNT} mots-clés.` });
  } else if (keywords.some((k) => k.length > KEYWORD_MAX || !/[\p{L}\p{N}]/u.test(k))) {
    errors.push({
      field: 'mots_cles',
      message: `Chaque mot-clé a au plus ${KEYWORD_MAX} caractères, dont au moins une lettre ou un chiffre.`,
    });
  }
  const places = splitList(v.lieux);
  if (places.length > PLACES_MAX_COUNT) {
    errors.push({ field: 'lieux', message: `Indiquez au plus ${PLACES_MAX_COUNT} lieux.` });
  } else if (places.some((p) => p.length > PLACE_MAX || (/^\d+$/.test(p) && !/^\d{5}$/.test(p)))) {
    errors.push({
      field: 'lieux',
      message: `Un lieu est un code postal à 5 chiffres ou un nom de commune ou de quartier (${PLACE_MAX} caractères au plus).`,
    });
  }
  const themes = [...new Set(v.themes)];
  const channels = [...new Set(v.canaux)];
  if (
    errors.length === 0 &&
    demarcheIds.length + themes.length + keywords.length + places.length + channels.length === 0
  ) {
    errors.push({
      field: 'demarches',
      anchor: 'demarches-0',
      message: 'Choisissez au moins une condition : une démarche, un thème, un mot-clé, un lieu ou un canal.',
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  const row = {
    name: v.nom,
    active: v.actif,
    demarche_ids: demarcheIds,
    themes,
    keywords,
    places,
    channels,
    service_id: service!.id,
    updated_at: input.now,
  };
  if (input.id !== null) {
    await trx.updateTable('routing_rules').set(row).where('id', '=', input.id).execute();
    return { ok: true, value: { id: input.id } };
  }
  // Last in the order; the rules are locked so that two additions at once get two positions.
  await sql`lock table routing_rules in share row exclusive mode`.execute(trx);
  const last = await trx
    .selectFrom('routing_rules')
    .select((eb) => eb.fn.coalesce(eb.fn.max('position'), sql<number>`0`).as('position'))
    .executeTakeFirstOrThrow();
  const inserted = await trx
    .insertInto('routing_rules')
    .values({ tenant_id: input.tenantId, position: Number(last.position) + 1, ...row, created_at: input.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: inserted.id } };
}
