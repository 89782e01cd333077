import type { ComplaintCause, ComplaintDecision, ExperienceTone, SurveyInteraction } from '../../db/schema.ts';
import { inTenant, type Db, type Tx } from '../../db/tenant-scope.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { loadTenant } from '../tenants/resolve-tenant.ts';
import { acknowledgeComplaint, decideComplaint, escalateComplaint } from '../complaints/handle-complaint.ts';
import { createComplaint } from '../complaints/create-complaint.ts';
import { answerExperience } from '../experiences/answer-experience.ts';
import {
  createImprovementAction,
  setImprovementActionStatus,
  tagExperienceWithActions,
} from '../experiences/improvement-actions.ts';
import { publishExperience } from '../experiences/moderate-experience.ts';
import { submitExperience } from '../experiences/submit-experience.ts';
import { answerSurvey } from '../satisfaction/answer-survey.ts';
import { refreshTenantResults } from './jobs.ts';
import { moduleResultsSources } from './module-sources.ts';

const DAY = 86_400_000;
/** The demo's survey answers: about ten a month over the last six months. */
const SURVEY_ANSWERS = 60;
/** The services the demo's feedback is about (those with the most démarches). */
const FEEDBACK_SERVICES = [
  'etat-civil',
  'citoyennete',
  'urbanisme',
  'social-ccas',
  'enfance-scolaire',
  'voirie-proprete',
] as const;

/**
 * Satisfaction on the five levels, cycled over the answers: 15 of 20 satisfied (4 or 5), two
 * neutral, three dissatisfied — about 75 % satisfied, as in a real commune.
 */
const SATISFACTION_CYCLE = [5, 4, 5, 4, 2, 5, 4, 3, 5, 4, 4, 5, 1, 4, 5, 4, 3, 5, 4, 2];
const COMMENTS: Record<number, string[]> = {
  5: [
    'Très bien accueilli, réponse rapide et claire.',
    'Démarche faite en dix minutes, merci.',
    'Agent patient qui a pris le temps de tout m’expliquer.',
  ],
  4: ['Bien, mais il a fallu revenir une deuxième fois.', 'Réponse utile, un peu longue à venir.'],
  3: ['Correct, sans plus. Le formulaire en ligne manque d’explications.'],
  2: ['J’ai attendu trois semaines sans nouvelles.'],
  1: ['Personne ne répond au téléphone le matin.'],
};

/** The online démarche's score out of 10, by satisfaction. */
const ONLINE_SCORES: Record<number, number> = { 5: 10, 4: 8, 3: 6, 2: 4, 1: 2 };

/** Where an answer comes from: the interaction, its channel, in the order the answers cycle. */
const ORIGINS: { interaction: SurveyInteraction; channel: string }[] = [
  { interaction: 'request', channel: 'en-ligne' },
  { interaction: 'visit', channel: 'guichet' },
  { interaction: 'request', channel: 'en-ligne' },
  { interaction: 'contact', channel: 'telephone' },
  { interaction: 'request', channel: 'courriel' },
  { interaction: 'assistant', channel: 'assistant' },
];

interface DemoContext {
  trx: Tx;
  tenant: Tenant;
  now: Date;
  ago: (days: number) => Date;
  services: Map<string, { id: string; name: string }>;
  /** The agent who answers for a service: its own agent, else the administrator. */
  agentOf: (serviceSlug: string) => string;
  adminId: string;
}

/**
 * The citizens' feedback of the demo commune (`npm start`'s workday demo), so that « Nos
 * résultats », « Vos expériences, nos réponses » and the supervisors' dashboards have something
 * to show at the first start: survey answers over six months, experiences with the services'
 * public answers and the improvement actions they led to, complaints at every stage. Made
 * through the modules' own use cases, at dates before `now`; each part only when its table is
 * still empty, so a second run adds nothing. The published results are then computed once, as
 * the nightly job would.
 */
export async function seedDemoFeedback(db: Db, tenantId: string, now: Date): Promise<void> {
  const tenant = await loadTenant(db, tenantId);
  if (!tenant) return;
  await inTenant(db, tenantId, async (trx) => {
    const services = new Map(
      (await trx.selectFrom('services').select(['id', 'slug', 'name']).execute()).map((s) => [s.slug, s]),
    );
    const agents = await trx
      .selectFrom('agents')
      .select(['id', 'email', 'role'])
      .orderBy('created_at')
      .orderBy('email')
      .execute();
    const admin = agents.find((a) => a.role === 'admin') ?? agents[0];
    if (!admin) return;
    const ctx: DemoContext = {
      trx,
      tenant,
      now,
      ago: (days) => new Date(now.getTime() - days * DAY),
      services,
      agentOf: (slug) => agents.find((a) => a.email.startsWith(`${slug}@`))?.id ?? admin.id,
      adminId: admin.id,
    };
    await seedSurveyAnswers(ctx);
    await seedExperiences(ctx);
    await seedComplaints(ctx);
  });
  await refreshTenantResults(db, tenantId, now, moduleResultsSources);
}

/**
 * About sixty answers over the last six months, through each interaction's invitation as the
 * survey link would: requests resolved (linked to the demo's closed requests while there are
 * some), calls, visits at the counters of each site, conversations with the assistant.
 */
async function seedSurveyAnswers({ trx, tenant, ago, services }: DemoContext): Promise<void> {
  if (await trx.selectFrom('survey_answers').select('id').executeTakeFirst()) return;
  const demarches = await trx
    .selectFrom('demarches as d')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'))
    .select(['d.id', 'd.service_id', 's.slug'])
    .where('s.slug', 'in', [...FEEDBACK_SERVICES])
    .orderBy('d.slug')
    .execute();
  const closed = await trx
    .selectFrom('requests')
    .leftJoin('survey_invitations as i', (j) =>
      j.onRef('i.tenant_id', '=', 'requests.tenant_id').onRef('i.request_id', '=', 'requests.id'),
    )
    .select(['requests.id', 'requests.service_id', 'requests.demarche_id', 'requests.channel'])
    .where('requests.status', 'in', ['traitee', 'refusee'])
    .where('i.id', 'is', null)
    .orderBy('requests.reference')
    .execute();
  // The visits at the counter alternate between the demo's sites (the mairie, the annexe…), so
  // that each site's « Nos résultats » has its satisfaction.
  const sites = await trx
    .selectFrom('appointment_sites')
    .select('id')
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('name')
    .execute();
  let visits = 0;
  // The online ratings go to two démarches of état civil, so that each has enough of them to be
  // published (MIN_RATINGS_PER_DEMARCHE); the answers by mail follow the demo's closed requests.
  const online = demarches.filter((d) => d.slug === 'etat-civil').slice(0, 2);
  for (let i = 0; i < SURVEY_ANSWERS; i++) {
    const origin = ORIGINS[i % ORIGINS.length]!;
    const service = services.get(FEEDBACK_SERVICES[i % FEEDBACK_SERVICES.length]!);
    const satisfaction = SATISFACTION_CYCLE[i % SATISFACTION_CYCLE.length]!;
    // Satisfied users rate both démarches; the dissatisfied ones the second, which stays below 8.
    const onlineDemarche =
      origin.channel === 'en-ligne' ? online[satisfaction >= 4 ? Math.floor(i / ORIGINS.length) % 2 : 1] : undefined;
    const demarche = onlineDemarche ?? demarches.find((d) => d.service_id === service?.id);
    const request = origin.interaction === 'request' && !onlineDemarche ? closed.shift() : undefined;
    // Spread over 180 days, a few days apart, the newest yesterday.
    const answeredAt = ago(1 + Math.floor((i * 179) / (SURVEY_ANSWERS - 1)));
    answeredAt.setUTCHours(10, (i * 7) % 60, 0, 0);
    const site = origin.interaction === 'visit' && sites.length > 0 ? sites[visits++ % sites.length]!.id : null;
    const invitation = await trx
      .insertInto('survey_invitations')
      .values({
        tenant_id: tenant.id,
        interaction: origin.interaction,
        channel: request?.channel ?? origin.channel,
        request_id: request?.id ?? null,
        service_id: origin.interaction === 'assistant' ? null : (request?.service_id ?? demarche?.service_id ?? null),
        demarche_id: origin.interaction === 'assistant' ? null : request ? request.demarche_id : (demarche?.id ?? null),
        site_id: site,
        created_at: new Date(answeredAt.getTime() - DAY),
        expires_at: new Date(answeredAt.getTime() + 29 * DAY),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const comments = COMMENTS[satisfaction]!;
    await answerSurvey(trx, {
      tenantId: tenant.id,
      source: { kind: 'invitation', invitationId: invitation.id },
      answer: {
        satisfaction,
        simple: satisfaction >= 4 ? 4 - (i % 2) : satisfaction === 3 ? 2 : 1,
        clear: satisfaction >= 4 ? 4 : satisfaction === 3 ? 3 : 2,
        onlineScore: ONLINE_SCORES[satisfaction]!,
        // One answer in three leaves a comment.
        comment: i % 3 === 0 ? comments[i % comments.length]! : '',
        linked: request !== undefined && i % 4 === 0,
      },
      // Each demo answer counts as its own client: the daily budget is about real addresses.
      clientKey: `demo-${i}`,
      dailyLimit: 1,
      now: answeredAt,
    });
  }
}

interface DemoExperience {
  tone: ExperienceTone;
  service: (typeof FEEDBACK_SERVICES)[number];
  daysAgo: number;
  title: string;
  story: string;
  authorName: string | null;
  /** The service's public answer; none for the one still to moderate. */
  answer: string | null;
}

const EXPERIENCES: DemoExperience[] = [
  {
    tone: 'negative',
    service: 'etat-civil',
    daysAgo: 75,
    title: 'Trois mois pour un rendez-vous de passeport',
    story:
      'J’ai voulu refaire mon passeport avant l’été. Le premier rendez-vous libre était trois mois plus tard. ' +
      'J’ai dû appeler plusieurs fois pour savoir s’il y avait des annulations.',
    authorName: 'Hugo',
    answer:
      'Merci pour votre message. Vous avez raison : l’attente était trop longue au printemps. ' +
      'Nous avons ouvert des rendez-vous le samedi matin et nous proposons les créneaux libérés par les annulations ' +
      'sur le site chaque matin à 8 h 30.',
  },
  {
    tone: 'positive',
    service: 'enfance-scolaire',
    daysAgo: 48,
    title: 'Inscription à l’école faite en ligne en un quart d’heure',
    story:
      'Nous venons d’arriver à Villebelle. J’ai inscrit ma fille à l’école en ligne, les justificatifs ont été ' +
      'acceptés en photo et nous avons reçu la confirmation deux jours plus tard. Très simple.',
    authorName: 'Nadia',
    answer:
      'Merci pour votre retour et bienvenue à Villebelle ! Nous transmettons vos remerciements à l’équipe ' +
      'du service Enfance et école.',
  },
  {
    tone: 'neutre',
    service: 'urbanisme',
    daysAgo: 30,
    title: 'Déclaration préalable : bonne réponse, mais des allers-retours',
    story:
      'Ma déclaration pour une clôture a été acceptée dans les délais. En revanche, il m’a été demandé deux fois ' +
      'une pièce que j’avais déjà envoyée. Une liste claire des pièces au départ aurait évité cela.',
    authorName: null,
    answer:
      'Merci pour cette remarque juste. Nous préparons une liste des pièces à fournir pour chaque type de ' +
      'déclaration, visible avant de commencer la démarche.',
  },
  {
    tone: 'negative',
    service: 'voirie-proprete',
    daysAgo: 16,
    title: 'Lampadaire en panne signalé deux fois',
    story:
      'Le lampadaire de ma rue est éteint depuis un mois. Je l’ai signalé deux fois en ligne sans savoir ' +
      'si le signalement avait été pris en compte.',
    authorName: 'Marc',
    answer:
      'Merci pour votre signalement et désolés pour ce silence. Le lampadaire a été réparé la semaine dernière. ' +
      'Désormais, chaque signalement reçoit un message quand l’intervention est programmée puis faite.',
  },
  {
    tone: 'positive',
    service: 'social-ccas',
    daysAgo: 2,
    title: 'Aide du CCAS pour ma facture d’énergie',
    story:
      'J’avais peur de ne pas savoir remplir le dossier. La personne du CCAS m’a aidée pas à pas et ' +
      'l’aide a été versée en trois semaines.',
    authorName: 'Josiane',
    answer: null,
  },
];

/** The improvement actions, with the experiences (by title) that led to them. */
const ACTIONS: {
  title: string;
  description: string;
  service: (typeof FEEDBACK_SERVICES)[number];
  status: 'prevue' | 'en_cours' | 'realisee';
  startedDaysAgo: number;
  doneDaysAgo?: number;
  experiences: string[];
}[] = [
  {
    title: 'Rendez-vous de passeport et de carte d’identité le samedi matin',
    description:
      'Le service État civil reçoit aussi le samedi de 9 h à 12 h sur rendez-vous, et les créneaux annulés ' +
      'sont remis en ligne chaque matin.',
    service: 'etat-civil',
    status: 'realisee',
    startedDaysAgo: 70,
    doneDaysAgo: 40,
    experiences: ['Trois mois pour un rendez-vous de passeport'],
  },
  {
    title: 'Un message à chaque étape d’un signalement sur la voirie',
    description:
      'Quand vous signalez un problème (éclairage, trou, dépôt sauvage), vous recevez un message quand ' +
      'l’intervention est programmée, puis quand elle est faite.',
    service: 'voirie-proprete',
    status: 'en_cours',
    startedDaysAgo: 12,
    experiences: ['Lampadaire en panne signalé deux fois'],
  },
  {
    title: 'La liste des pièces à fournir avant chaque démarche d’urbanisme',
    description:
      'Avant de commencer une déclaration préalable ou un permis, une page dit quelles pièces préparer, ' +
      'avec un exemple pour chacune.',
    service: 'urbanisme',
    status: 'prevue',
    startedDaysAgo: 25,
    experiences: ['Déclaration préalable : bonne réponse, mais des allers-retours'],
  },
];

/**
 * Five experiences, submitted as citizens do on « Vos expériences, nos réponses »: four
 * published with their service's signed answer, the newest one still to moderate; then three
 * improvement actions (done, under way, planned), tagged to the experiences that led to them.
 */
async function seedExperiences({ trx, tenant, ago, services, agentOf, adminId }: DemoContext): Promise<void> {
  if (await trx.selectFrom('experiences').select('id').executeTakeFirst()) return;
  const ids = new Map<string, string>();
  for (const e of EXPERIENCES) {
    const service = services.get(e.service);
    const submitted = await submitExperience(trx, {
      tenantId: tenant.id,
      tone: e.tone,
      title: e.title,
      story: e.story,
      serviceId: service?.id ?? null,
      authorName: e.authorName,
      contactEmail: null,
      sourceKey: `demo-${e.daysAgo}`,
      limit: 1,
      now: ago(e.daysAgo),
    });
    if (!submitted.ok || e.answer === null) continue;
    ids.set(e.title, submitted.id);
    await publishExperience(trx, {
      id: submitted.id,
      agentId: adminId,
      title: e.title,
      story: e.story,
      now: ago(e.daysAgo - 1),
    });
    await answerExperience(trx, {
      tenant,
      id: submitted.id,
      agentId: agentOf(e.service),
      answer: e.answer,
      signature: service ? `Le service ${service.name}` : `La mairie de ${tenant.name}`,
      pageUrl: '/experiences',
      now: ago(e.daysAgo - 2),
    });
  }
  if (await trx.selectFrom('improvement_actions').select('id').executeTakeFirst()) return;
  const tags = new Map<string, string[]>();
  for (const a of ACTIONS) {
    const id = await createImprovementAction(trx, {
      tenantId: tenant.id,
      title: a.title,
      description: a.description,
      status: a.status === 'realisee' ? 'en_cours' : a.status,
      serviceId: services.get(a.service)?.id ?? null,
      now: ago(a.startedDaysAgo),
    });
    await trx
      .updateTable('improvement_actions')
      .set({ created_at: ago(a.startedDaysAgo), updated_at: ago(a.startedDaysAgo) })
      .where('id', '=', id)
      .execute();
    if (a.doneDaysAgo !== undefined)
      await setImprovementActionStatus(trx, { id, status: 'realisee', now: ago(a.doneDaysAgo) });
    for (const title of a.experiences) {
      const experienceId = ids.get(title);
      if (experienceId) tags.set(experienceId, [...(tags.get(experienceId) ?? []), id]);
    }
  }
  for (const [experienceId, actionIds] of tags)
    await tagExperienceWithActions(trx, { tenantId: tenant.id, experienceId, actionIds });
}

/**
 * Four complaints, recorded by agents as they come (phone, counter, letter, a request's page):
 * one acknowledged and open, one escalated to the direction, two closed with their cause and
 * decision — one of them about a demo request.
 */
async function seedComplaints({ trx, tenant, ago, services, agentOf, adminId }: DemoContext): Promise<void> {
  if (await trx.selectFrom('complaints').select('id').executeTakeFirst()) return;
  const etatCivil = services.get('etat-civil');
  const request = await trx
    .selectFrom('requests')
    .select(['id', 'service_id'])
    .where('status', '=', 'traitee')
    .where('service_id', '=', etatCivil?.id ?? null)
    .orderBy('reference')
    .executeTakeFirst();
  const complaint = async (c: {
    service: (typeof FEEDBACK_SERVICES)[number];
    channel: 'telephone' | 'accueil' | 'courrier' | 'demande';
    requestId?: string;
    daysAgo: number;
    subject: string;
    description: string;
    citizenName: string;
    citizenPhone: string | null;
  }) => {
    const service = services.get(c.service);
    if (!service) return null;
    const created = await createComplaint(trx, {
      tenant,
      serviceId: service.id,
      requestId: c.requestId ?? null,
      channel: c.channel,
      subject: c.subject,
      description: c.description,
      citizenName: c.citizenName,
      citizenEmail: null,
      citizenPhone: c.citizenPhone,
      agentId: agentOf(c.service),
      now: ago(c.daysAgo),
    });
    await acknowledgeComplaint(trx, {
      tenantId: tenant.id,
      id: created.id,
      how: c.channel === 'courrier' || c.channel === 'demande' ? 'courrier' : c.channel,
      agentId: agentOf(c.service),
      now: ago(c.daysAgo - 1),
    });
    return created.id;
  };
  const decide = async (
    id: string | null,
    service: string,
    daysAgo: number,
    cause: ComplaintCause,
    decision: ComplaintDecision,
    answer: string,
  ) => {
    if (id)
      await decideComplaint(trx, { tenant, id, cause, decision, answer, agentId: agentOf(service), now: ago(daysAgo) });
  };

  await complaint({
    service: 'voirie-proprete',
    channel: 'telephone',
    daysAgo: 4,
    subject: 'Trottoir abîmé devant l’école des Tilleuls',
    description:
      'Une dalle du trottoir est soulevée devant l’école depuis des semaines. Des enfants sont déjà tombés. ' +
      'L’appelante demande une réparation rapide et une réponse écrite.',
    citizenName: 'Sophie Lemaire',
    citizenPhone: '06 00 00 00 21',
  });

  const escalated = await complaint({
    service: 'urbanisme',
    channel: 'courrier',
    daysAgo: 40,
    subject: 'Refus de permis de construire mal expliqué',
    description:
      'Le demandeur conteste le refus de son permis pour une extension. Il estime que le motif ' +
      '(hauteur du bâtiment) ne correspond pas à son projet et n’a pas eu de réponse à son premier courrier.',
    citizenName: 'Bernard Lefèvre',
    citizenPhone: null,
  });
  if (escalated)
    await escalateComplaint(trx, {
      tenant,
      id: escalated,
      reason:
        'Le demandeur n’est pas d’accord avec la première réponse du service : la directrice générale des ' +
        'services reprend le dossier.',
      agentId: adminId,
      now: ago(20),
    });

  const counter = await complaint({
    service: 'citoyennete',
    channel: 'accueil',
    daysAgo: 60,
    subject: 'Attente de plus d’une heure à l’accueil',
    description:
      'Venue pour une attestation, la personne a attendu plus d’une heure sans information sur le temps ' +
      'd’attente. Un seul guichet était ouvert.',
    citizenName: 'Amélie Garnier',
    citizenPhone: '06 00 00 00 34',
  });
  await decide(
    counter,
    'citoyennete',
    50,
    'accueil',
    'fondee',
    'Vous avez raison : ce jour-là, deux agents étaient absents et nous n’avons pas prévenu le public. ' +
      'Un écran affiche maintenant le temps d’attente et un second guichet ouvre dès que la file dépasse dix personnes.',
  );

  const linked = await complaint({
    service: 'etat-civil',
    channel: request ? 'demande' : 'telephone',
    requestId: request?.id,
    daysAgo: 25,
    subject: 'Acte de naissance reçu avec une erreur',
    description:
      'L’acte de naissance reçu porte une faute dans le prénom de la mère. Le demandeur en a besoin pour ' +
      'un dossier de retraite et demande une copie corrigée rapidement.',
    citizenName: 'Paul Girard',
    citizenPhone: '06 00 00 00 47',
  });
  await decide(
    linked,
    'etat-civil',
    18,
    'erreur',
    'partiellement_fondee',
    'La faute venait d’une erreur de saisie de notre part ; une copie corrigée vous a été envoyée. ' +
      'Le délai de traitement, lui, était dans les temps annoncés.',
  );
}
