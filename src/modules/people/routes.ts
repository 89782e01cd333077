import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import { authorisedRequest } from '../agents/request-access.ts';
import { findRequestByReference } from '../agents/repository.ts';
import { isStale, parseRevision } from '../requests/revision.ts';
import { moveItemToPerson } from './move-item-to-person.ts';
import { personName } from './present.ts';
import { moveItemPage, type MoveItemPageInput } from './views/move-item-page.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { parseSearchQuery } from '../search/query.ts';
import { mergeForm, moveItemForm, personForm, PERSON_FORM_FIELDS } from './forms.ts';
import { lockedMerge, mergePeople, mergeRefusal, type FieldChoice } from './merge-people.ts';
import { openPersonRecord } from './open-person-record.ts';
import { parsePosition } from './person-timeline.ts';
import { authorisedPerson, isUuid, keptRecordOf, personNotFound, personResourceOf } from './person-access.ts';
import { peopleScope } from './policy.ts';
import { duplicatePairs, findPerson, latestPeople, PERSON_FIELDS, searchPeople } from './repository.ts';
import { createPerson, formValuesOf, updatePerson } from './save-person.ts';
import { undoMerge } from './undo-merge.ts';
import { duplicatesPage, peopleListPage } from './views/people-list-page.ts';
import { mergePage } from './views/merge-page.ts';
import { EMPTY_PERSON_FORM, personFormPage, type PersonFormTyped } from './views/person-form-page.ts';
import { PEOPLE_PATH, personPage, personPath } from './views/person-page.ts';

const NOTICES: Record<string, string> = {
  creee: 'La fiche est créée.',
  modifiee: 'La fiche est enregistrée.',
  fusion: 'Les deux fiches sont fusionnées. Vous pouvez annuler la fusion ci-contre.',
  annulation: 'La fusion est annulée : les deux fiches sont revenues comme avant.',
};

/** Records shown at most in a list or a search. */
const LIST_LIMIT = 50;

/**
 * Citizen records (fiches usager) in the back office: list and search, « Nouvelle fiche », a
 * record's page, its edit form, duplicates, merge and undo. Registered inside the agents' area.
 */
export function registerPeopleRoutes(scope: FastifyInstance, services: Services): void {
  function staff(request: FastifyRequest, agent: SessionAgent, action: 'list_people' | 'create_person'): AgentActor {
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    if (!can(actor, action, { kind: 'tenant', tenantId })) throw personNotFound();
    return actor;
  }
  const idParam = (request: FastifyRequest) => {
    const id = (request.params as { id?: string }).id ?? '';
    if (!isUuid(id)) throw personNotFound();
    return id;
  };
  const typedPerson = (fields: Record<string, string | string[] | undefined>): PersonFormTyped =>
    Object.fromEntries(
      PERSON_FORM_FIELDS.map((f) => [f, typedValue(fields, f, f === 'adresse' || f === 'accessibilite' ? 1000 : 320)]),
    ) as PersonFormTyped;

  async function renderRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    id: string,
    extra: { notice?: string; error?: string } = {},
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const actor = agentActor(tenant.id, agent);
    // The timeline's page (« Entrées plus anciennes »); a link that is not one shows the latest.
    const before = request.method === 'GET' ? parsePosition(queryParam(request, 'avant')) : null;
    const record = await inTenant(services.db, tenant.id, (trx) =>
      openPersonRecord(trx, {
        actor,
        agentName: agent.name,
        personId: id,
        ip: request.ip,
        now: services.clock.now(),
        before,
      }),
    );
    if (record.kind === 'merged') return reply.redirect(url(request, personPath(record.keptId)), 303);
    return sendHtml(reply, personPage(agentContext(request, agent), { ...record, ...extra }), status);
  }

  scope.get(PEOPLE_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const actor = staff(request, agent, 'list_people');
    const q = queryParam(request, 'q').trim();
    const ctx = agentContext(request, agent);
    if (q.length > 200) {
      const errors = [{ field: 'q', message: 'Cette recherche est trop longue : 200 caractères au plus.' }];
      return sendHtml(reply, peopleListPage(ctx, { q: q.slice(0, 200), hits: [], searched: true, errors }), 400);
    }
    const hits = await inTenant(services.db, actor.tenantId, (trx) =>
      q
        ? searchPeople(trx, { query: parseSearchQuery(q), scopeIds: peopleScope(actor), limit: LIST_LIMIT })
        : latestPeople(trx, { scopeIds: peopleScope(actor), limit: LIST_LIMIT }),
    );
    return sendHtml(reply, peopleListPage(ctx, { q, hits, searched: q !== '', errors: [] }));
  });

  scope.get(`${PEOPLE_PATH}/doublons`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const actor = staff(request, agent, 'list_people');
    const pairs = await inTenant(services.db, actor.tenantId, (trx) =>
      duplicatePairs(trx, { scopeIds: peopleScope(actor), limit: LIST_LIMIT }),
    );
    return sendHtml(reply, duplicatesPage(agentContext(request, agent), { pairs }));
  });

  scope.get(`${PEOPLE_PATH}/nouvelle`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    staff(request, agent, 'create_person');
    return sendHtml(
      reply,
      personFormPage(agentContext(request, agent), { person: null, values: EMPTY_PERSON_FORM, errors: [] }),
    );
  });

  scope.post(`${PEOPLE_PATH}/nouvelle`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const actor = staff(request, agent, 'create_person');
    const { fields } = readFormBody(request);
    const values = typedPerson(fields);
    const again = (errors: FieldError[]) =>
      sendHtml(reply, personFormPage(agentContext(request, agent), { person: null, values, errors }), 400);
    const form = parseForm(personForm, fields);
    if (!form.ok) return again(form.errors);
    const now = services.clock.now();
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      createPerson(trx, { tenantId: actor.tenantId, values: form.value, today: parisDay(now), now }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${personPath(result.value.id)}?fait=creee`), 303);
  });

  scope.get(`${PEOPLE_PATH}/:id`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const done = queryParam(request, 'fait');
    return renderRecord(request, reply, agent, idParam(request), {
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
    });
  });

  /** The record to edit, or the redirect to the record a merged one lives in. */
  async function editable(request: FastifyRequest, agent: SessionAgent) {
    const tenantId = requireTenant(request).id;
    return inTenant(services.db, tenantId, async (trx) => {
      const { person } = await authorisedPerson(trx, agentActor(tenantId, agent), idParam(request), 'edit_person');
      return { person, keptId: person.merged_into_id ? await keptRecordOf(trx, person) : null };
    });
  }

  scope.get(`${PEOPLE_PATH}/:id/modifier`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const { person, keptId } = await editable(request, agent);
    if (keptId) return reply.redirect(url(request, `${personPath(keptId)}/modifier`), 303);
    return sendHtml(
      reply,
      personFormPage(agentContext(request, agent), { person, values: formValuesOf(person), errors: [] }),
    );
  });

  scope.post(`${PEOPLE_PATH}/:id/modifier`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    const { person, keptId } = await editable(request, agent);
    if (keptId)
      throw new AppError('conflict', 'Cette fiche a été fusionnée dans une autre : modifiez la fiche gardée.');
    const { fields } = readFormBody(request);
    const values = typedPerson(fields);
    const again = (errors: FieldError[]) =>
      sendHtml(reply, personFormPage(agentContext(request, agent), { person, values, errors }), 400);
    const form = parseForm(personForm, fields);
    if (!form.ok) return again(form.errors);
    const now = services.clock.now();
    const result = await inTenant(services.db, tenantId, async (trx) => {
      // Read again under the transaction: the edit applies to the record as it is now.
      const { person: current } = await authorisedPerson(trx, agentActor(tenantId, agent), person.id, 'edit_person');
      return updatePerson(trx, { person: current, values: form.value, today: parisDay(now), now });
    });
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${personPath(person.id)}?fait=modifiee`), 303);
  });

  /** Both records of a merge the agent may make, in the order the merge needs (an account's record is kept). */
  async function mergePair(request: FastifyRequest, agent: SessionAgent, keptId: string, mergedId: string) {
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    if (!isUuid(mergedId)) throw personNotFound();
    return inTenant(services.db, tenantId, async (trx) => {
      const kept = (await authorisedPerson(trx, actor, keptId)).person;
      const merged = (await authorisedPerson(trx, actor, mergedId)).person;
      const pair = {
        kind: 'person_pair' as const,
        tenantId,
        kept: await personResourceOf(trx, tenantId, kept.id),
        merged: await personResourceOf(trx, tenantId, merged.id),
      };
      if (!can(actor, 'merge_people', pair)) throw personNotFound();
      const count = async (id: string) =>
        Number(
          (
            await trx
              .selectFrom('requests')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('person_id', '=', id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      return { kept, merged, keptItems: await count(kept.id), mergedItems: await count(merged.id), actor };
    });
  }

  scope.get(`${PEOPLE_PATH}/:id/fusion`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const id = idParam(request);
    const other = queryParam(request, 'avec');
    const pair = await mergePair(request, agent, id, other);
    // The record with an account is the one kept: the page comes the right way round.
    if (pair.merged.citizen_id !== null && pair.kept.citizen_id === null && pair.merged.merged_into_id === null) {
      return reply.redirect(url(request, `${personPath(pair.merged.id)}/fusion?avec=${pair.kept.id}`), 303);
    }
    return sendHtml(
      reply,
      mergePage(agentContext(request, agent), { ...pair, refusal: mergeRefusal(pair.kept, pair.merged) }),
    );
  });

  scope.post(`${PEOPLE_PATH}/:id/fusion`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    const id = idParam(request);
    // Whoever may not see the record hears it does not exist, whatever they sent.
    await inTenant(services.db, tenantId, (trx) => authorisedPerson(trx, agentActor(tenantId, agent), id));
    const { fields } = readFormBody(request);
    const form = parseForm(mergeForm, fields);
    if (!form.ok || !isUuid(String(form.value.avec))) {
      throw new AppError('invalid_input', 'Le formulaire est incomplet : rechargez la page.');
    }
    const values = form.value as Record<string, string>;
    const choices = Object.fromEntries(
      PERSON_FIELDS.filter((f) => values[`garder_${f}`]).map((f) => [f, values[`garder_${f}`] as FieldChoice]),
    );
    const result = await inTenant(services.db, tenantId, (trx) =>
      mergePeople(trx, {
        actor: agentActor(tenantId, agent),
        agentName: agent.name,
        keptId: id,
        mergedId: values.avec!,
        choices,
        ip: request.ip,
        now: services.clock.now(),
      }),
    );
    if (!result.ok) {
      const pair = await mergePair(request, agent, id, values.avec!);
      return sendHtml(
        reply,
        mergePage(agentContext(request, agent), { ...pair, refusal: result.message, choices: values }),
        409,
      );
    }
    return reply.redirect(url(request, `${personPath(id)}?fait=fusion`), 303);
  });

  scope.post(`${PEOPLE_PATH}/fusions/:mergeId/annuler`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    const mergeId = (request.params as { mergeId: string }).mergeId;
    await inTenant(services.db, tenantId, async (trx) => {
      const merge = await lockedMerge(trx, mergeId);
      await authorisedPerson(trx, agentActor(tenantId, agent), merge.kept_id);
    });
    // The button says what it does; a post without it is no undo.
    if (typedValue(readFormBody(request).fields, 'confirmer', 10) !== 'oui') {
      throw new AppError('invalid_input', 'Le formulaire est incomplet : rechargez la page.');
    }
    const result = await inTenant(services.db, tenantId, (trx) =>
      undoMerge(trx, {
        actor: agentActor(tenantId, agent),
        agentName: agent.name,
        mergeId,
        ip: request.ip,
        now: services.clock.now(),
      }),
    );
    if (!result.ok) return renderRecord(request, reply, agent, result.keptId, { error: result.message }, 409);
    return reply.redirect(url(request, `${personPath(result.keptId)}?fait=annulation`), 303);
  });

  // « Changer de fiche usager »: one item attached to the wrong person goes to another record.
  const MOVE_PATH = '/agent/demandes/:reference/usager';
  const referenceOf = (request: FastifyRequest) => (request.params as { reference?: string }).reference ?? '';

  /** The page for an item the agent may move, with the records the search `q` finds (not its own). */
  async function renderMove(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    extra: Pick<MoveItemPageInput, 'q' | 'values' | 'errors'>,
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const actor = agentActor(tenant.id, agent);
    const page = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(
        tenant.id,
        agent,
        'change_person',
        await findRequestByReference(trx, referenceOf(request)),
      );
      const current = row.person_id ? await findPerson(trx, row.person_id) : undefined;
      const hits =
        extra.q === ''
          ? []
          : await searchPeople(trx, {
              query: parseSearchQuery(extra.q),
              scopeIds: peopleScope(actor),
              limit: LIST_LIMIT,
            });
      return {
        reference: row.reference,
        revision: row.revision,
        current: current ? { id: current.id, name: personName(current) } : null,
        hits: hits.filter((h) => h.id !== row.person_id),
      };
    });
    return sendHtml(reply, moveItemPage(agentContext(request, agent), { ...page, ...extra }), status);
  }

  scope.get(MOVE_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const q = queryParam(request, 'q').trim().slice(0, 200);
    return renderMove(request, reply, agent, { q, values: { usager: '', confirmer: false }, errors: [] });
  });

  scope.post(MOVE_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(moveItemForm, fields);
    const values = { usager: typedValue(fields, 'usager', 100), confirmer: typedValue(fields, 'confirmer', 10) !== '' };
    const q = typedValue(fields, 'q', 200).trim();
    const again = (errors: FieldError[], status = 400) =>
      renderMove(request, reply, agent, { q, values, errors }, status);
    if (!form.ok) return again(form.errors);
    const errors: FieldError[] = [];
    if (form.value.usager === '')
      errors.push({ field: 'usager', message: 'Choisissez la fiche de la bonne personne.' });
    if (!form.value.confirmer)
      errors.push({ field: 'confirmer', message: 'Cochez la case pour confirmer le changement de fiche.' });
    if (errors.length > 0) return again(errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(
        tenant.id,
        agent,
        'change_person',
        await findRequestByReference(trx, referenceOf(request)),
      );
      return moveItemToPerson(trx, {
        actor: agentActor(tenant.id, agent),
        agentName: agent.name,
        requestId: row.id,
        personId: form.value.usager,
        revision: parseRevision(form.value.revision),
        now: services.clock.now(),
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(referenceOf(request))}?fait=usager`), 303);
  });
}
