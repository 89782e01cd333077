import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RequestEventKind, RequestStatus } from '../db/schema.ts';
import { inTenant, type Db } from '../db/tenant-scope.ts';
import { formDefinitionSchema } from '../modules/catalogue/form-definition.ts';
import { CODE_ALPHABET, hashTrackingSecret } from '../modules/requests/reference.ts';
import { addWorkingDays } from '../modules/requests/working-days.ts';

const lineSchema = z.object({
  text: z.string().min(1),
  channel: z.string(),
  service: z.string(),
  urgency: z.string(),
  is_complaint: z.boolean(),
  expected_article: z.string().nullable().optional(),
});
type SampleLine = z.infer<typeof lineSchema>;

const CHANNELS: Record<string, string> = {
  web: 'en-ligne',
  // Mails received are the channel « courriel », as inbound-mail records them.
  email: 'courriel',
  telephone: 'telephone',
  guichet: 'guichet',
};
const GIVEN = ['Julie', 'Karim', 'Sophie', 'Thomas', 'Aïcha', 'Lucas', 'Nathalie', 'Mehdi', 'Claire', 'Paul', 'Inès'];
const FAMILY = ['Martin', 'Benali', 'Lefèvre', 'Nguyen', 'Durand', 'Moreau', 'Diallo', 'Petit', 'Rousseau', 'Garcia'];
const FOLLOW_UPS = [
  'Bonjour, avez-vous du nouveau sur ma demande ? Merci.',
  'Je me permets de relancer : je n’ai pas eu de réponse.',
  'Je vous envoie la pièce demandée par courrier aujourd’hui.',
  'Merci de me rappeler, c’est assez urgent pour moi.',
];
const CLOSING: Record<'traitee' | 'refusee', string> = {
  traitee: 'Votre demande est traitée. N’hésitez pas à nous recontacter si besoin.',
  refusee: 'Nous ne pouvons pas donner suite : votre demande ne relève pas de la mairie. Voyez la page Contact.',
};
/** The status of the i-th sample once it is a few days old: every status, most of them open. */
const STATUS_CYCLE: RequestStatus[] = [
  'en_cours',
  'recue',
  'traitee',
  'en_attente_usager',
  'en_cours',
  'traitee',
  'refusee',
  'en_cours',
  'recue',
];
const DAY = 24 * 60 * 60 * 1000;

/** A deterministic code in the references' alphabet, from the sample's index. */
function code(seed: string, length: number): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return out;
}

export async function loadSampleLines(file: string): Promise<SampleLine[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => lineSchema.parse(JSON.parse(l)));
}

interface Event {
  kind: RequestEventKind;
  from: RequestStatus | null;
  to: RequestStatus | null;
  body: string;
  author: 'citizen' | 'agent' | 'system';
  at: Date;
}

/**
 * Sample requests for the demo commune, so that the agent side can be judged at first login:
 * one per line of corpus/requests-dev.jsonl (what people write to a mairie, by mail, phone, at
 * the counter or online), each on a démarche of its service (the expected one when the corpus
 * names it, else the service's first démarche, else the complaint démarche), spread over the
 * last weeks and over every status, some past their due date, some with messages from the
 * citizen. Deterministic: the same lines give the same requests (dates follow `now`).
 * Returns the number of requests created; only the demo seed calls it.
 */
export async function seedSampleRequests(
  db: Db,
  tenantId: string,
  options: { file: string; referencePrefix: string; now: Date },
): Promise<number> {
  const lines = await loadSampleLines(options.file);
  return inTenant(db, tenantId, async (trx) => {
    const services = await trx.selectFrom('services').select(['id', 'slug']).execute();
    const demarches = await trx
      .selectFrom('demarches')
      .select(['id', 'slug', 'service_id', 'kind', 'delay_days', 'form'])
      .where('audience', '=', 'public')
      .orderBy('slug')
      .execute();
    const agents = await trx
      .selectFrom('agents as a')
      .leftJoin('agent_services as x', (j) =>
        j.onRef('x.tenant_id', '=', 'a.tenant_id').onRef('x.agent_id', '=', 'a.id'),
      )
      .select(['a.id', 'a.role', 'x.service_id'])
      .orderBy('a.email')
      .execute();
    const complaint = demarches.find((d) => d.slug === 'reclamation') ?? demarches[0];
    if (!complaint) return 0;
    const today = options.now;
    let count = 0;
    for (const [i, line] of lines.entries()) {
      const service = services.find((s) => s.slug === line.service);
      const ofService = demarches.filter((d) => d.service_id === service?.id && d.kind === 'demarche');
      const demarche =
        demarches.find((d) => d.slug === line.expected_article && d.service_id === service?.id) ??
        (line.is_complaint ? complaint : undefined) ??
        ofService[0] ??
        complaint;
      const serviceId = service?.id ?? demarche.service_id;
      const agentId =
        agents.find((a) => a.service_id === serviceId)?.id ?? agents.find((a) => a.role === 'admin')?.id ?? null;

      // Ages from today to about six weeks; urgent ones are recent.
      const ageDays = line.urgency === 'urgente' ? i % 4 : (i * 7) % 46;
      const submitted = new Date(today.getTime() - ageDays * DAY - ((i * 5) % 9) * 60 * 60 * 1000);
      const status: RequestStatus = ageDays <= 2 ? (i % 3 === 0 ? 'en_cours' : 'recue') : STATUS_CYCLE[i % 9]!;
      const delay = demarche.delay_days ?? 15;
      const dueOn = addWorkingDays(submitted, delay);

      const given = GIVEN[i % GIVEN.length]!;
      const family = FAMILY[(i * 3) % FAMILY.length]!;
      const email = `${given}.${family}`
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase();
      const form = demarche.form ? formDefinitionSchema.safeParse(demarche.form) : null;
      // The citizen's words go in the form's free-text field when it has one meant for them (a
      // description, a message); otherwise they arrive as the citizen's first message.
      const textField = form?.success
        ? form.data.sections
            .flatMap((s) => s.fields)
            .find(
              (f) =>
                f.type === 'textarea' &&
                /message|descri|pr[ée]cis|comment|objet|d[ée]tail|motif|explic|situation/i.test(`${f.name} ${f.label}`),
            )?.name
        : undefined;
      const data: Record<string, unknown> = {
        applicant_given_name: given,
        applicant_family_name: family,
        ...(line.channel === 'telephone' ? { applicant_phone: `060000${String(i).padStart(2, '0').slice(-2)}00` } : {}),
        ...(line.channel !== 'telephone' ? { applicant_email: `${email}@example.org` } : {}),
        ...(textField ? { [textField]: line.text } : {}),
      };

      const events: Event[] = [
        {
          kind: 'submitted',
          from: null,
          to: 'recue',
          body: '',
          author: line.channel === 'web' ? 'citizen' : 'system',
          at: submitted,
        },
      ];
      if (!textField) {
        events.push({
          kind: 'citizen_message',
          from: null,
          to: null,
          body: line.text,
          author: 'citizen',
          at: new Date(submitted.getTime() + 60_000),
        });
      }
      const at = (days: number) => new Date(Math.min(submitted.getTime() + days * DAY, today.getTime() - 60_000));
      if (status !== 'recue') {
        events.push({ kind: 'status_changed', from: 'recue', to: 'en_cours', body: '', author: 'agent', at: at(1) });
      }
      if (status === 'en_attente_usager') {
        events.push({
          kind: 'status_changed',
          from: 'en_cours',
          to: 'en_attente_usager',
          body: 'Pour continuer, merci de nous envoyer un justificatif de domicile de moins de 3 mois.',
          author: 'agent',
          at: at(2),
        });
      }
      if (status === 'traitee' || status === 'refusee') {
        events.push({
          kind: 'status_changed',
          from: 'en_cours',
          to: status,
          body: CLOSING[status],
          author: 'agent',
          at: at(3),
        });
      }
      // A citizen who writes again: one open request in four, and the complaints that wait.
      if (
        (status !== 'traitee' && status !== 'refusee' && ageDays >= 2 && i % 4 === 1) ||
        (line.is_complaint && status === 'recue' && ageDays >= 3)
      ) {
        events.push({
          kind: 'citizen_message',
          from: null,
          to: null,
          body: FOLLOW_UPS[i % FOLLOW_UPS.length]!,
          author: 'citizen',
          at: at(Math.max(1, Math.floor(ageDays / 2))),
        });
      }
      events.sort((a, b) => a.at.getTime() - b.at.getTime());
      const last = events.at(-1)!.at;
      const closed = status === 'traitee' || status === 'refusee';

      const year = submitted.getUTCFullYear();
      const request = await trx
        .insertInto('requests')
        .values({
          tenant_id: tenantId,
          reference: `${options.referencePrefix}-${year}-${code(`sample-${i}`, 5)}`,
          demarche_id: demarche.id,
          service_id: serviceId,
          status,
          channel: CHANNELS[line.channel] ?? 'en-ligne',
          data: JSON.stringify(data),
          applicant_name: `${given} ${family}`,
          applicant_email: typeof data.applicant_email === 'string' ? data.applicant_email : null,
          applicant_phone: typeof data.applicant_phone === 'string' ? data.applicant_phone : null,
          // Nobody holds the code of a sample: it cannot be followed from the portal.
          tracking_secret_hash: hashTrackingSecret(code(`sample-secret-${i}-${tenantId}`, 10)),
          submitted_at: submitted,
          due_on: dueOn,
          updated_at: last,
          closed_at: closed ? last : null,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!request) continue;
      await trx
        .insertInto('request_events')
        .values(
          events.map((e) => ({
            tenant_id: tenantId,
            request_id: request.id,
            kind: e.kind,
            status_from: e.from,
            status_to: e.to,
            body: e.body,
            author_kind: e.author,
            author_agent_id: e.author === 'agent' ? agentId : null,
            visible_to_citizen: true,
            created_at: e.at,
          })),
        )
        .execute();
      count++;
    }
    return count;
  });
}
