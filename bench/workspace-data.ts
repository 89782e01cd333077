/**
 * The generator of `bench/workspace.ts`: fills a PostgreSQL server database with tenants, agents,
 * citizens (people, some with an account), requests and their timelines, in SQL (`insert … select`
 * over `generate_series`), never row by row. Deterministic apart from `random()` (seeded).
 *
 * The load is made fast and kept correct this way:
 * - secondary indexes of the four big tables are dropped before and rebuilt after (one sort per
 *   index instead of a million inserts into each GIN tree);
 * - the triggers of those tables are disabled during the load (foreign-key checks, the revision
 *   bump of every timeline event), except the one that computes a request's search vector: it is
 *   the application's own function, run once per row in the same pass as the insert. What the
 *   bump trigger would have written (revision, the citizen's last activity) is computed in the
 *   requests' insert from the same deterministic layout the events' insert follows; the foreign
 *   keys hold by construction and are checked at the end with one anti-join per key.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { DatabaseHandle } from '../src/db/database.ts';
import { CORPUS_DIR, SAMPLE_REQUESTS_FILE, seedDemo } from '../src/demo/seed-demo.ts';
import { hashPassword } from '../src/modules/agents/password.ts';
import { seedCatalogue } from '../src/modules/catalogue/seed-catalogue.ts';
import { createTenant, slugify } from '../src/modules/tenants/create-tenant.ts';

export interface Volume {
  tenants: number;
  requests: number;
  people: number;
  /** Timeline events per request on average (each request has 2 to 8, the first « submitted »). */
  eventsPerRequest: 5;
}

export function volumeFor(requests: number): Volume {
  return { tenants: 20, requests, people: Math.round(requests * 0.3), eventsPerRequest: 5 };
}

const BIG_TABLES = ['citizens', 'people', 'requests', 'request_events'];

/** Communes of the generated volume besides Villebelle (the demo, the largest). */
const COMMUNES = [
  'Beaulieu-sur-Loire',
  'Montferrand',
  'Saint-Aubin-les-Prés',
  'Valmont',
  'Roche-Blanche',
  'Fontenay-le-Vieux',
  'Clairvaux-en-Forez',
  'Port-Mesnil',
  'Les Ormes',
  'Sainte-Colombe',
  'Verneuil-sur-Avre',
  'Bellegarde',
  'Castelnau-la-Rivière',
  'Mirabel',
  'Haute-Combe',
  'Lussac',
  'Villers-sur-Mer',
  'Pontivy-le-Bas',
  'Champagnac',
];

const GIVEN = [
  'Julie',
  'Karim',
  'Sophie',
  'Thomas',
  'Aïcha',
  'Lucas',
  'Nathalie',
  'Mehdi',
  'Claire',
  'Paul',
  'Inès',
  'Jean',
  'Marie',
  'Pierre',
  'Camille',
  'Nicolas',
  'Léa',
  'Hugo',
  'Chloé',
  'Louis',
  'Emma',
  'Gabriel',
  'Manon',
  'Arthur',
  'Sarah',
  'Yanis',
  'Zoé',
  'Mohamed',
  'Françoise',
  'Michel',
  'Hélène',
  'Stéphane',
  'Élodie',
  'Jérôme',
  'Céline',
  'François',
  'Anaïs',
  'Rémi',
  'Agnès',
  'Joël',
  'Fatima',
  'Nguyen',
  'Océane',
  'Benoît',
  'Maëlle',
  'Gaëlle',
  'Sébastien',
  'Brigitte',
  'Dominique',
  'Yasmine',
  'Kevin',
  'Laurence',
  'Patrick',
  'Sylvie',
  'Ahmed',
  'Lina',
];
const FAMILY = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefèvre',
  'Leroy',
  'Roux',
  'David',
  'Bertrand',
  'Morel',
  'Fournier',
  'Girard',
  'Bonnet',
  'Dupont',
  'Lambert',
  'Fontaine',
  'Rousseau',
  'Vincent',
  'Müller',
  'Lefebvre',
  'Faure',
  'André',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Garnier',
  'Chevalier',
  'François',
  'Legrand',
  'Gauthier',
  'Garcia',
  'Perrin',
  'Robin',
  'Clément',
  'Morin',
  'Nicolas',
  'Henry',
  'Roussel',
  'Mathieu',
  'Gautier',
  'Masson',
  'Marchand',
  'Duval',
  'Denis',
  'Dumont',
  'Marie',
  'Lemaire',
  'Noël',
  'Meyer',
  'Dufour',
  'Meunier',
  'Brun',
  'Blanchard',
  'Giraud',
  'Joly',
  'Rivière',
  'Lucas',
  'Brunet',
  'Gaillard',
  'Barbier',
  'Arnaud',
  'Martinez',
  'Gérard',
  'Roche',
  'Renard',
  'Schmitt',
  'Roy',
  'Leroux',
  'Colin',
  'Vidal',
  'Caron',
  'Picard',
  'Roger',
  'Fabre',
  'Aubert',
  'Lemoine',
  'Renaud',
  'Dumas',
  'Lacroix',
  'Olivier',
  'Philippe',
  'Bourgeois',
  'Pierre',
  'Benoît',
  'Rey',
  'Leclerc',
  'Payet',
  'Rolland',
  'Leclercq',
  'Guillaume',
  'Lecomte',
  'Benali',
  'Diallo',
  'Nguyen',
  'Le Gall',
  'Da Silva',
];
const STREETS = [
  'rue des Lilas',
  'avenue de la République',
  'rue Haute',
  'place de l’Église',
  'chemin des Vignes',
  'rue Victor-Hugo',
  'boulevard Gambetta',
  'impasse des Tilleuls',
  'rue du Moulin',
  'allée des Peupliers',
  'rue de la Gare',
  'route de Lyon',
  'rue Jean-Jaurès',
  'quai de la Loire',
  'rue des Écoles',
];
const DOMAINS = ['orange.fr', 'gmail.com', 'free.fr', 'laposte.net', 'hotmail.fr', 'sfr.fr', 'wanadoo.fr', 'yahoo.fr'];
const AGENT_REPLIES = [
  'Bonjour, nous avons bien reçu votre demande. Elle est en cours de traitement par le service.',
  'Bonjour, pouvez-vous nous envoyer un justificatif de domicile de moins de trois mois ? Merci.',
  'Bonjour, votre dossier est complet. Vous recevrez une réponse sous dix jours ouvrés.',
  'Bonjour, un agent passera sur place cette semaine pour constater le problème.',
  'Bonjour, votre rendez-vous est confirmé mardi à 10 h en mairie, au guichet de l’état civil.',
  'Bonjour, il manque la copie de la pièce d’identité du demandeur. Vous pouvez la déposer en ligne.',
  'Bonjour, l’intervention a été réalisée ce matin. Merci de votre signalement.',
  'Bonjour, nous transmettons votre demande au service compétent, qui reviendra vers vous.',
  'Bonjour, la commission se réunit le 15 du mois : votre dossier y sera examiné.',
  'Bonjour, votre inscription est enregistrée. Le certificat vous sera envoyé par courrier.',
];
const NOTES = [
  'Appelé le demandeur, répondeur : rappeler demain matin.',
  'Vu avec l’équipe technique, passage prévu jeudi.',
  'Dossier incomplet, relance envoyée. Attendre le justificatif.',
  'Demande en double avec une précédente, à fusionner après vérification.',
  'Voir avec le responsable de service avant de répondre : cas particulier.',
  'Le demandeur est passé au guichet, pièces reçues et scannées.',
  'Attention : personne âgée, privilégier le téléphone.',
  'Transmis à la police municipale pour constat.',
];
const FOLLOW_UPS = [
  'Bonjour, avez-vous du nouveau sur ma demande ? Merci.',
  'Je me permets de relancer : je n’ai pas eu de réponse.',
  'Je vous envoie la pièce demandée par courrier aujourd’hui.',
  'Merci de me rappeler, c’est assez urgent pour moi.',
  'Merci beaucoup pour votre réponse rapide, bonne journée.',
  'Je ne comprends pas pourquoi ma demande est refusée, pouvez-vous m’expliquer ?',
];

const sizesOf = (total: number, weights: number[]) => {
  const sum = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.floor((total * w) / sum));
  sizes[0]! += total - sizes.reduce((s, n) => s + n, 0);
  return sizes;
};

type Log = (line: string) => void;

async function timed<T>(log: Log, label: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await run();
  log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

/**
 * Fills `database` (freshly migrated, empty) with the volume. Returns the time of each phase in
 * the log. The owner connection must be a superuser (disabling foreign-key triggers).
 */
export async function generateWorkspaceData(database: DatabaseHandle, volume: Volume, log: Log): Promise<void> {
  const q = database.ownerQuery;
  const now = new Date();
  // Sizes by tenant: a few large communes and many small ones (Zipf, exponent 0.7).
  const weights = Array.from({ length: volume.tenants }, (_, i) => 1 / (i + 1) ** 0.7);
  const requestSizes = sizesOf(volume.requests, weights);
  const peopleSizes = sizesOf(volume.people, weights);

  const tenants: { id: string; prefix: string; domain: string }[] = [];
  await timed(log, `${volume.tenants} tenants with their catalogue`, async () => {
    tenants.push({ id: (await seedDemo(database)).tenantId, prefix: 'VB', domain: 'villebelle.example' });
    for (const [i, name] of COMMUNES.slice(0, volume.tenants - 1).entries()) {
      const slug = slugify(name);
      const prefix = `B${String.fromCharCode(65 + i)}`;
      const id = await createTenant(q, {
        name,
        slug,
        kind: 'commune',
        population: Math.round(25000 * weights[i + 1]!),
        referencePrefix: prefix,
        hosts: [`${slug}.localhost`],
        contact: { email: `contact@${slug}.example`, phone: '01 00 00 00 00' },
      });
      await seedCatalogue(database.db, id, CORPUS_DIR);
      tenants.push({ id, prefix, domain: `${slug}.example` });
    }
  });

  const texts = readFileSync(SAMPLE_REQUESTS_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; service: string });
  const agentHash = await hashPassword(`bench-${Math.random()}-${Date.now()}`);

  await timed(log, 'staging tables (démarches, agents, texts)', async () => {
    await q(`set search_path = public`);
    await q(`drop schema if exists bench cascade`);
    await q(`create schema bench`);
    await q(`select setseed(0.42)`);
    await q(
      `create table bench.tenants as
         select t.ord::int as t, t.id as tenant_id, t.prefix, t.domain, t.requests::int, t.people::int
           from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::int[]) with ordinality
                as t(id, prefix, domain, requests, people, ord)`,
      [tenants.map((t) => t.id), tenants.map((t) => t.prefix), tenants.map((t) => t.domain), requestSizes, peopleSizes],
    );
    // Démarches that can be filed; requests are skewed towards the first ones (a few démarches
    // make most of the volume, as in a town hall).
    await q(
      `create table bench.demarches as
         select d.tenant_id, d.id, d.service_id, coalesce(d.delay_days, 15) as delay_days,
                (row_number() over (partition by d.tenant_id order by d.slug))::int as n,
                (count(*) over (partition by d.tenant_id))::int as cnt
           from demarches d where d.kind = 'demarche' and d.audience = 'public'`,
    );
    // Three agents per service and a supervisor and an administrator per tenant.
    await q(
      `insert into agents (tenant_id, email, display_name, password_hash, role)
       select s.tenant_id, 'agent' || i || '.' || s.slug || '@' || t.domain,
              (array[${GIVEN.map((g) => `'${g.replaceAll("'", "''")}'`).join(',')}])[1 + ((2147483647 & hashtext(s.slug || i)) % ${GIVEN.length})]
                || ' ' || (array[${FAMILY.map((f) => `'${f.replaceAll("'", "''")}'`).join(',')}])[1 + ((2147483647 & hashtext(i || s.slug)) % ${FAMILY.length})],
              $1, 'agent'
         from services s join bench.tenants t on t.tenant_id = s.tenant_id, generate_series(1, 3) i`,
      [agentHash],
    );
    await q(
      `insert into agent_services (tenant_id, agent_id, service_id)
       select a.tenant_id, a.id, s.id from agents a
         join services s on s.tenant_id = a.tenant_id and a.email like 'agent_.' || s.slug || '@%'`,
    );
    await q(
      `insert into agents (tenant_id, email, display_name, password_hash, role)
       select t.tenant_id, 'bench.' || r.role || '@' || t.domain, initcap(r.role) || ' ' || t.prefix, $1, r.role
         from bench.tenants t, (values ('supervisor'), ('admin')) r(role)`,
      [agentHash],
    );
    await q(
      `create table bench.agents as
         select x.tenant_id, x.service_id, x.agent_id as id,
                (row_number() over (partition by x.tenant_id, x.service_id order by x.agent_id))::int as n,
                (count(*) over (partition by x.tenant_id, x.service_id))::int as cnt
           from agent_services x`,
    );
    // What citizens write, by service (the corpus's 150 messages); a service the corpus does not
    // cover gets them all.
    await q(
      `create table bench.texts as
         select s.tenant_id, s.id as service_id, x.text,
                (row_number() over (partition by s.tenant_id, s.id order by x.text))::int as n,
                (count(*) over (partition by s.tenant_id, s.id))::int as cnt
           from services s
           join unnest($1::text[], $2::text[]) as x(text, service)
             on x.service = s.slug
             or not exists (select 1 from unnest($2::text[]) y(service) where y.service = s.slug)`,
      [texts.map((t) => t.text), texts.map((t) => t.service)],
    );
    await q(
      `create table bench.text_counts as select tenant_id, service_id, max(cnt) as cnt from bench.texts group by 1, 2`,
    );
    await q(`create index on bench.demarches (tenant_id, n)`);
    await q(`create index on bench.agents (tenant_id, service_id, n)`);
    await q(`create index on bench.texts (tenant_id, service_id, n)`);
    // The layout of a request's timeline, a function of its id: the requests' insert computes
    // from it what the events' insert then writes (revision, the citizen's last activity).
    await q(`create function bench.event_count(id uuid) returns int language sql immutable
               as $$ select 2 + (2147483647 & hashtext(id::text)) % 7 $$`);
    await q(`create function bench.event_kind(id uuid, i int) returns text language sql immutable
               as $$ select case when i = 0 then 'submitted' else (array['citizen_message', 'citizen_message',
                 'agent_message', 'agent_message', 'agent_message', 'internal_note', 'internal_note',
                 'status_changed', 'assigned', 'email_received'])[1 + (2147483647 & hashtext(id::text || ':' || i)) % 10] end $$`);
    await q(`create function bench.code(n bigint) returns text language sql immutable
               as $$ select string_agg(substr('23456789ABCDEFGHJKMNPQRTVWXYZ', (((n % 20511149) / (29 ^ i)::bigint) % 29)::int + 1, 1), '' order by i desc)
                       from generate_series(0, 4) i $$`);
  });

  // Indexes rebuilt after the load; constraint indexes (keys, unique) stay.
  const indexes = (
    await q(
      `select indexname, indexdef from pg_indexes
        where schemaname = 'public' and tablename = any($1::text[])
          and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))`,
      [BIG_TABLES],
    )
  ).rows as { indexname: string; indexdef: string }[];
  await timed(log, `${indexes.length} secondary indexes dropped, triggers disabled`, async () => {
    for (const ix of indexes) await q(`drop index ${ix.indexname}`);
    for (const t of BIG_TABLES) await q(`alter table ${t} disable trigger all`);
    await q(`alter table requests enable trigger requests_search_vector`);
  });

  const given = `(array[${GIVEN.map((g) => `'${g}'`).join(',')}])`;
  const family = `(array[${FAMILY.map((f) => `'${f.replaceAll("'", "''")}'`).join(',')}])`;
  const person = (t: string, g: string) => `md5('p' || ${t} || '-' || ${g})::uuid`;

  await timed(log, `${volume.people} people, a quarter with an account`, async () => {
    await q(
      `create table bench.people as
         select t.tenant_id, t.t, g, ${person('t.t', 'g')} as id,
                ${given}[1 + (2147483647 & hashtext('g' || t.t || '-' || g)) % ${GIVEN.length}] as given_name,
                ${family}[1 + floor(${FAMILY.length} * random() ^ 1.5)::int] as family_name,
                date '1935-01-01' + ((2147483647 & hashtext('b' || g)) % 26000) as birthdate,
                t.domain,
                case when g % 4 = 0 then md5('c' || t.t || '-' || g)::uuid end as citizen_id
           from bench.tenants t, generate_series(1, t.people) g`,
    );
    await q(
      `insert into citizens (tenant_id, id, email, email_verified_at, password_hash, given_name, family_name,
                             birthdate, franceconnect_sub, identity_verified_at, created_at, updated_at)
       select p.tenant_id, p.citizen_id, lower(public.unaccent(p.given_name || '.' || replace(p.family_name, ' ', '')))
                || p.g || '@' || (array[${DOMAINS.map((d) => `'${d}'`).join(',')}])[1 + p.g % ${DOMAINS.length}],
              $1::timestamptz - interval '2 years', case when p.g % 8 <> 0 then $2 end, p.given_name, upper(p.family_name),
              p.birthdate, case when p.g % 8 = 0 then md5('fc' || p.id::text) end,
              case when p.g % 8 = 0 then $1::timestamptz - interval '2 years' end,
              $1::timestamptz - interval '2 years', $1::timestamptz - interval '2 years'
         from bench.people p where p.citizen_id is not null`,
      [now, agentHash],
    );
    await q(
      `insert into people (tenant_id, id, given_name, family_name, display_name, birthdate, email, phone,
                           postal_address, preferred_channel, citizen_id, identity_source, identity_verified_at,
                           created_at, updated_at)
       select p.tenant_id, p.id, p.given_name, p.family_name, p.given_name || ' ' || p.family_name, p.birthdate,
              lower(public.unaccent(p.given_name || '.' || replace(p.family_name, ' ', '')))
                || p.g || '@' || (array[${DOMAINS.map((d) => `'${d}'`).join(',')}])[1 + p.g % ${DOMAINS.length}],
              case when p.g % 3 <> 0 then '0' || (6 + p.g % 2) || lpad(((2147483647 & hashtext('tel' || p.id::text)) % 100000000)::text, 8, '0') end,
              (1 + p.g % 120) || ' ' || (array[${STREETS.map((s) => `'${s}'`).join(',')}])[1 + p.g % ${STREETS.length}],
              (array['email', 'email', 'telephone', 'courrier', 'sms', 'guichet'])[1 + p.g % 6],
              p.citizen_id, case when p.g % 8 = 0 then 'franceconnect' end,
              case when p.g % 8 = 0 then $1::timestamptz - interval '2 years' end,
              $1::timestamptz - interval '3 years', $1::timestamptz - interval '3 years'
         from bench.people p`,
      [now],
    );
  });

  let done = 0;
  await timed(log, `${volume.requests} requests (search vectors computed by the trigger, same pass)`, async () => {
    for (const t of (await q(`select t, tenant_id, prefix, requests, people from bench.tenants order by t`)).rows as {
      t: number;
      tenant_id: string;
      prefix: string;
      requests: number;
      people: number;
    }[]) {
      // Recent requests are denser (activity grows); those of the last 45 days are mostly open,
      // older ones mostly closed; a few old ones linger.
      await q(
        `with src as (
           select g, md5('r' || $2::int || '-' || g)::uuid as id,
                  $1::timestamptz - random() ^ 1.5 * interval '1095 days' as submitted_at,
                  random() as r_status, random() as r_channel, random() as r_assign, random() as r_close,
                  1 + floor(random() ^ 1.6 * (select max(cnt) from bench.demarches where tenant_id = $3::uuid))::int as dem_n,
                  1 + floor(random() ^ 2 * $5::int)::int as person_n,
                  random() as r_text
             from generate_series(1, $4::int) g
         ), x as (
           select s.*, d.id as demarche_id, d.service_id, d.delay_days, tc.cnt as text_cnt,
                  p.id as person_id, p.display_name, p.email, p.phone, p.citizen_id, p.postal_address,
                  $1::timestamptz - s.submitted_at < interval '45 days' as recent
             from src s
             join bench.demarches d on d.tenant_id = $3 and d.n = s.dem_n
             join bench.text_counts tc on tc.tenant_id = $3 and tc.service_id = d.service_id
             join people p on p.tenant_id = $3 and p.id = md5('p' || $2::int || '-' || s.person_n)::uuid
         ), y as (
           select x.*,
                  case when recent then (case when r_status < 0.3 then 'recue' when r_status < 0.72 then 'en_cours'
                                              when r_status < 0.9 then 'en_attente_usager' else 'traitee' end)
                       else (case when r_status < 0.015 then 'en_cours' when r_status < 0.02 then 'en_attente_usager'
                                  when r_status < 0.86 then 'traitee' else 'refusee' end) end as status
             from x
         ), z as (
           select y.*,
                  case when status in ('traitee', 'refusee')
                       then least($1::timestamptz, submitted_at + r_close * delay_days * 1.4 * interval '1 day') end as closed_at
             from y
         ), w as (
           select z.*, coalesce(z.closed_at, $1::timestamptz) as end_at, bench.event_count(z.id) as k,
                  (select max(i) from generate_series(1, bench.event_count(z.id) - 1) i
                    where bench.event_kind(z.id, i) in ('citizen_message', 'email_received')) as last_citizen
             from z
         )
         insert into requests (tenant_id, id, reference, demarche_id, service_id, status, channel, data, applicant_name,
                               applicant_email, applicant_phone, tracking_secret_hash, submitted_at, due_on,
                               updated_at, closed_at, citizen_id, assigned_agent_id, revision, citizen_activity_at,
                               waiting_since, person_id)
         select $3::uuid, w.id, $6::text || '-' || extract(year from w.submitted_at) || '-' || bench.code(w.g * 7919 + $2::int * 104729),
                w.demarche_id, w.service_id, w.status,
                case when r_channel < 0.6 then 'en-ligne' when r_channel < 0.8 then 'courriel'
                     when r_channel < 0.92 then 'telephone' else 'guichet' end,
                jsonb_build_object('description', tx.text, 'adresse', w.postal_address, 'applicant_email', w.email),
                w.display_name, w.email, w.phone, md5(w.id::text), w.submitted_at,
                (w.submitted_at + w.delay_days * 1.4 * interval '1 day')::date,
                w.submitted_at + (w.end_at - w.submitted_at) * (w.k - 1) / w.k, w.closed_at,
                case when r_channel < 0.6 then w.citizen_id end,
                case when r_assign < (case when w.closed_at is null then 0.6 else 0.95 end) then a.id end,
                w.k,
                w.submitted_at + (w.end_at - w.submitted_at) * w.last_citizen / w.k,
                case when w.status = 'en_attente_usager' then w.submitted_at + (w.end_at - w.submitted_at) / 2 end,
                w.person_id
           from w
           join bench.texts tx on tx.tenant_id = $3 and tx.service_id = w.service_id
                               and tx.n = 1 + floor(w.r_text * w.text_cnt)::int
           left join bench.agents a on a.tenant_id = $3 and a.service_id = w.service_id
                                   and a.n = 1 + floor(w.r_assign * 1000)::int % a.cnt`,
        [now, t.t, t.tenant_id, t.requests, t.people, t.prefix],
      );
      done += t.requests;
      log(`    tenant ${t.t}: ${t.requests} requests (${done} so far)`);
    }
  });

  await timed(log, `timeline events (${volume.eventsPerRequest} per request on average)`, async () => {
    for (const t of (await q(`select t, tenant_id from bench.tenants order by t`)).rows as {
      t: number;
      tenant_id: string;
    }[]) {
      await q(
        `insert into request_events (tenant_id, request_id, kind, status_from, status_to, body, author_kind,
                                     author_agent_id, visible_to_citizen, created_at, channel)
         select r.tenant_id, r.id, e.kind,
                case when e.kind = 'status_changed' then 'recue' end,
                case when e.kind = 'status_changed' then 'en_cours' end,
                case e.kind
                  when 'submitted' then ''
                  when 'assigned' then ''
                  when 'status_changed' then 'Votre demande est prise en charge par le service.'
                  when 'agent_message' then ($3::text[])[1 + e.h % cardinality($3::text[])]
                  when 'internal_note' then ($4::text[])[1 + e.h % cardinality($4::text[])]
                  when 'citizen_message' then ($5::text[])[1 + e.h % cardinality($5::text[])]
                  else coalesce((select tx.text from bench.texts tx where tx.tenant_id = r.tenant_id
                                    and tx.service_id = r.service_id
                                    and tx.n = 1 + e.h % (select tc.cnt from bench.text_counts tc
                                                           where tc.tenant_id = r.tenant_id and tc.service_id = r.service_id)), '')
                end,
                case when e.kind in ('citizen_message', 'email_received') then 'citizen'
                     when e.kind in ('submitted') then 'system' else 'agent' end,
                case when e.kind in ('agent_message', 'internal_note', 'status_changed', 'assigned')
                     then r.assigned_agent_id end,
                e.kind in ('submitted', 'citizen_message', 'email_received', 'agent_message', 'status_changed'),
                r.submitted_at + (coalesce(r.closed_at, $1::timestamptz) - r.submitted_at) * e.i / r.revision,
                -- The channel the trigger (disabled during the load) would give: see migration 20261203135000.
                case when e.kind = 'email_received' then 'mail'
                     when e.kind = 'submitted' then case r.channel when 'api' then 'api' when 'courriel' then 'mail' else 'web' end
                     when e.kind in ('citizen_message') then 'tracking'
                     when e.kind in ('agent_message', 'internal_note', 'status_changed', 'assigned') then 'web'
                     else 'job' end
           from requests r
           cross join lateral generate_series(0, r.revision - 1) as i(n)
           cross join lateral (select i.n as i, bench.event_kind(r.id, i.n) as kind,
                                      (2147483647 & hashtext(r.id::text || '#' || i.n)) as h) e
          where r.tenant_id = $2`,
        [now, t.tenant_id, AGENT_REPLIES, NOTES, FOLLOW_UPS],
      );
      log(`    tenant ${t.t}: events written`);
    }
  });

  await timed(log, 'triggers enabled again, foreign keys checked', async () => {
    for (const t of BIG_TABLES) await q(`alter table ${t} enable trigger all`);
    const orphans = await q(
      `select (select count(*) from request_events e where not exists
                 (select 1 from requests r where r.tenant_id = e.tenant_id and r.id = e.request_id))::int as events,
              (select count(*) from requests r where r.person_id is not null and not exists
                 (select 1 from people p where p.tenant_id = r.tenant_id and p.id = r.person_id))::int as people,
              (select count(*) from requests r where r.citizen_id is not null and not exists
                 (select 1 from citizens c where c.tenant_id = r.tenant_id and c.id = r.citizen_id))::int as citizens,
              (select count(*) from requests r where r.assigned_agent_id is not null and not exists
                 (select 1 from agents a where a.tenant_id = r.tenant_id and a.id = r.assigned_agent_id))::int as agents`,
    );
    const row = orphans.rows[0]!;
    if (Object.values(row).some((n) => Number(n) !== 0))
      throw new Error(`rows without their parent: ${JSON.stringify(row)}`);
  });
  await timed(log, `${indexes.length} secondary indexes rebuilt`, async () => {
    await q(`set maintenance_work_mem = '512MB'`);
    for (const ix of indexes) {
      const t0 = performance.now();
      await q(ix.indexdef);
      log(`    ${ix.indexname}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  });
  await timed(log, 'vacuum analyze', async () => {
    await q(`drop schema bench cascade`);
    for (const t of BIG_TABLES) await q(`vacuum (analyze) ${t}`);
    await q(`analyze`);
  });
}
