import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { inTenant, withTenantConnection, type Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { readFormBody, type FormFields } from '../../platform/web/form-body.ts';
import { parseForm } from '../../platform/web/form.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import { can } from '../authorization.ts';
import { closureForm, closureImportForm, motifForm, periodForm, siteForm } from './forms.ts';
import { MAX_CALENDAR_BYTES } from './import-closures.ts';
import { wallTimeOf } from './local-time.ts';
import {
  addClosure,
  addMotif,
  addOpeningPeriod,
  addSite,
  deleteClosure,
  deleteOpeningPeriod,
  importClosureFile,
  settingsOverview,
} from './settings.ts';
import { SETTINGS_PATH, settingsPage, type SettingsForm } from './views/admin-pages.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTICES: Record<string, string> = {
  lieu: 'Le lieu est ajouté, avec ses guichets. Ajoutez-leur des horaires pour proposer des créneaux.',
  horaires: 'Les horaires sont enregistrés.',
  'horaires-supprimes': 'Les horaires sont supprimés.',
  fermeture: 'La fermeture est enregistrée : ses créneaux ne sont plus proposés.',
  'fermeture-supprimee': 'La fermeture est supprimée.',
  import: 'Les fermetures du fichier sont importées.',
  motif: 'Le motif est ajouté : la démarche se prend maintenant sur rendez-vous.',
};

/**
 * The administrators' appointment settings (`/agent/admin/rendez-vous`, settings.ts): one page,
 * one form per kind of change; a refused form re-renders the page with its errors and what was typed.
 */
export function registerAppointmentAdminRoutes(scope: FastifyInstance, services: Services): void {
  async function admin(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_appointment_settings', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
    return { agent, tenantId };
  }

  async function render(request: FastifyRequest, reply: FastifyReply, form: SettingsForm | null, status = 200) {
    const { agent, tenantId } = await admin(request);
    const overview = await withTenantConnection(services.db, tenantId, (c) =>
      settingsOverview(c, services.clock.now()),
    );
    const notice = NOTICES[queryParam(request, 'fait')];
    return sendHtml(reply, settingsPage(agentContext(request, agent), { overview, form, notice }), status);
  }

  /** Parse → change → redirect, or the page again with the errors (a refusal of the use case on `field`). */
  async function change<S extends z.ZodObject>(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: SettingsForm['kind'],
    schema: S,
    field: string,
    run: (trx: Tx, tenantId: string, value: z.output<S>, fields: FormFields) => Promise<unknown>,
  ) {
    const { tenantId } = await admin(request);
    const { fields } = readFormBody(request);
    const again = (errors: SettingsForm['errors'], status = 400) =>
      render(request, reply, { kind, values: fields, errors }, status);
    const parsed = parseForm(schema, fields);
    if (!parsed.ok) return again(parsed.errors);
    try {
      await inTenant(services.db, tenantId, (trx) => run(trx, tenantId, parsed.value, fields));
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.code !== 'forbidden') {
        const details = Array.isArray(err.details) ? (err.details as SettingsForm['errors']) : [];
        return again(details.length ? details : [{ field, message: err.message }], err.status);
      }
      throw err;
    }
    return reply.redirect(url(request, `${SETTINGS_PATH}?fait=${kind}`), 303);
  }

  function idParam(request: FastifyRequest): string {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw new AppError('not_found', 'Cet élément n’existe pas.');
    return id;
  }

  scope.get(SETTINGS_PATH, async (request, reply) => render(request, reply, null));

  scope.post(`${SETTINGS_PATH}/lieux`, async (request, reply) =>
    change(request, reply, 'lieu', siteForm, 'nom', (trx, tenantId, v) =>
      addSite(trx, tenantId, {
        name: v.nom,
        kind: v.type,
        address: v.adresse,
        postalCode: v.code_postal,
        city: v.ville,
        phone: v.telephone,
        openingHours: v.horaires,
        counters: v.nombre_guichets,
      }),
    ),
  );

  scope.post(`${SETTINGS_PATH}/horaires`, async (request, reply) =>
    change(request, reply, 'horaires', periodForm, 'ouverture', async (trx, tenantId, v) => {
      if (v.fermeture <= v.ouverture)
        throw new AppError('validation_failed', 'La fermeture doit venir après l’ouverture.', [
          { field: 'fermeture', message: 'Indiquez une heure de fermeture après l’heure d’ouverture.' },
        ]);
      return addOpeningPeriod(trx, tenantId, {
        resourceId: v.guichet,
        weekdays: v.jours.map(Number),
        opensAt: v.ouverture,
        closesAt: v.fermeture,
      });
    }),
  );

  /** A row deleted by its id (an opening period, a closure), then the page with its notice. */
  function removal(path: string, remove: (trx: Tx, id: string) => Promise<void>, notice: string) {
    scope.post<{ Params: { id: string } }>(`${SETTINGS_PATH}/${path}/:id/supprimer`, async (request, reply) => {
      const { tenantId } = await admin(request);
      const id = idParam(request);
      await inTenant(services.db, tenantId, (trx) => remove(trx, id));
      return reply.redirect(url(request, `${SETTINGS_PATH}?fait=${notice}`), 303);
    });
  }
  removal('horaires', deleteOpeningPeriod, 'horaires-supprimes');
  removal('fermetures', deleteClosure, 'fermeture-supprimee');

  scope.post(`${SETTINGS_PATH}/fermetures`, async (request, reply) =>
    change(request, reply, 'fermeture', closureForm, 'du', async (trx, tenantId, v) => {
      const to = v.au || v.du;
      if (to < v.du)
        throw new AppError('validation_failed', 'Le dernier jour doit venir après le premier.', [
          { field: 'au', message: 'Indiquez un dernier jour après le premier jour.' },
        ]);
      return addClosure(trx, tenantId, { siteId: v.lieu || null, from: v.du, to, label: v.libelle });
    }),
  );

  scope.post(
    `${SETTINGS_PATH}/fermetures/import`,
    // The file's own limit (256 KB) answers in the page; the upload limit only stops far bigger ones.
    { config: { files: { maxFiles: 1, maxBytes: MAX_CALENDAR_BYTES * 4 } } },
    async (request, reply) =>
      change(request, reply, 'import', closureImportForm, 'fichier', (trx, tenantId, v) => {
        const file = readFormBody(request).files.find((f) => f.fieldName === 'fichier' && f.filename);
        if (!file)
          throw new AppError('validation_failed', 'Choisissez un fichier .ics.', [
            { field: 'fichier', message: 'Choisissez un fichier .ics.' },
          ]);
        if (file.tooLarge || file.data.length > MAX_CALENDAR_BYTES)
          throw new AppError(
            'calendar_file_too_large',
            `Ce fichier est trop gros : ${MAX_CALENDAR_BYTES / 1024} Ko au plus. Exportez seulement les fermetures à venir.`,
          );
        return importClosureFile(trx, tenantId, {
          siteId: v.lieu_import || null,
          content: file.data.toString('utf8'),
          today: wallTimeOf(services.clock.now()).day,
        });
      }),
  );

  scope.post(`${SETTINGS_PATH}/motifs`, async (request, reply) =>
    change(request, reply, 'motif', motifForm, 'intitule', (trx, tenantId, v) =>
      addMotif(trx, tenantId, {
        demarcheId: v.demarche,
        name: v.intitule,
        duration: v.duree,
        buffer: v.battement,
        capacity: v.capacite,
        mode: v.mode,
        minLeadMinutes: v.delai_min,
        maxLeadDays: v.horizon,
        cancelUntilMinutes: v.annulation * 60,
        documents: v.documents
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .slice(0, 30),
        resourceIds: v.guichets,
      }),
    ),
  );
}
