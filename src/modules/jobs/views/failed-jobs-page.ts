import { formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FailedJob } from '../list-failed-jobs.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';

/** What each kind of job does, in words an administrator knows; the queue's name otherwise. */
const QUEUE_LABELS: Record<string, string> = {
  'mail.send': 'Envoi d’un courriel',
  'sms.send': 'Envoi d’un SMS',
  'deadline.warning': 'Alerte avant l’échéance d’une demande',
  'inbound.process': 'Traitement d’un message reçu',
};

export function queueLabel(queue: string): string {
  return QUEUE_LABELS[queue] ?? queue;
}

/** The tenant's failed background jobs, each with « Relancer » and « Abandonner ». */
export function failedJobsPage(
  ctx: PageContext,
  input: { jobs: FailedJob[]; total: number; notice?: string },
): SafeHtml {
  const main = html`${adminNav(ctx, '/agent/admin/taches')}
    <h1>Tâches en échec</h1>
    <p>
      Guichet fait certaines tâches en arrière-plan : envoi des courriels, alertes, traitement des messages reçus.
      Une tâche est réessayée plusieurs fois, à intervalles croissants. Celles qui ont échoué à chaque essai sont
      listées ici. Relancez une tâche une fois la cause corrigée (adresse, serveur de courriel…), ou abandonnez-la.
    </p>
    ${
      input.total === 0
        ? html`<p>Aucune tâche en échec.</p>`
        : html`<p>
              ${formatNumberFr(input.total)} tâche${input.total > 1 ? 's' : ''} en échec${
                input.total > input.jobs.length
                  ? html`, dont les ${formatNumberFr(input.jobs.length)} plus récentes ci-dessous`
                  : ''
              }.
            </p>
            <table>
              <caption class="visually-hidden">Tâches en échec</caption>
              <thead>
                <tr>
                  <th scope="col">Tâche</th>
                  <th scope="col">Créée le</th>
                  <th scope="col">En échec depuis le</th>
                  <th scope="col">Essais</th>
                  <th scope="col">Dernière erreur</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                ${input.jobs.map(
                  (j, i) =>
                    html`<tr>
                      <th scope="row" id="tache-${i}">${queueLabel(j.queue)}</th>
                      <td>${formatDateTimeFr(j.createdAt)}</td>
                      <td>${j.failedAt ? formatDateTimeFr(j.failedAt) : ''}</td>
                      <td>${formatNumberFr(j.attempts)}</td>
                      <td><code>${j.lastError ?? ''}</code></td>
                      <td>
                        <form method="post" action="${url(ctx, `/agent/admin/taches/${j.id}/relancer`)}">
                          ${csrfField(ctx)}
                          <button type="submit" class="button secondary" aria-describedby="tache-${i}">Relancer</button>
                        </form>
                        <form method="post" action="${url(ctx, `/agent/admin/taches/${j.id}/abandonner`)}">
                          ${csrfField(ctx)}
                          <button type="submit" class="button secondary" aria-describedby="tache-${i}">
                            Abandonner
                          </button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }`;
  return layout(ctx, {
    title: 'Tâches en échec',
    main,
    area: 'agent',
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: url(ctx, '/agent/demandes') }, { label: 'Tâches en échec' }],
  });
}
