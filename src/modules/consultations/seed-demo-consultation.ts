import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { answerConsultation } from './answer-consultation.ts';
import type { ConsultationValues, QuestionValues } from './forms.ts';
import { publishConsultation } from './publish-consultation.ts';
import { findConsultation, listQuestions } from './repository.ts';
import { saveConsultation } from './save-consultation.ts';
import { conditionValue, saveQuestion } from './save-question.ts';

const DAY = 86_400_000;

/** A day as the forms take it (DD/MM/YYYY), in Paris. */
function parisDay(at: Date): string {
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
}

const QUESTION: QuestionValues = {
  intitule: '',
  aide: '',
  type: 'single',
  obligatoire: false,
  choix: '',
  echelle_min: '1',
  echelle_max: '5',
  echelle_libelle_min: '',
  echelle_libelle_max: '',
  condition: '',
};

/** What the demo's residents answered: the first question's choice, the times, a scale, a comment. */
const ANSWERS: [string, string[], string, string][] = [
  ['Oui', ['Le samedi matin'], '4', 'Le samedi matin, je travaille en semaine.'],
  ['Oui', ['Le mardi soir jusqu’à 19 h', 'Le samedi matin'], '3', 'Jusqu’à 19 h le mardi serait pratique.'],
  ['Non', [], '5', ''],
  ['Oui', ['Le samedi matin'], '2', 'Le samedi matin pour les papiers d’identité.'],
  ['Oui', ['Pendant la pause de midi'], '4', ''],
  ['Non', [], '4', 'Les horaires me conviennent.'],
  ['Oui', ['Le mardi soir jusqu’à 19 h'], '3', 'Le soir, après le travail.'],
];

/**
 * The demo commune's open consultation (`npm start`): « Horaires d'ouverture de la mairie », three
 * questions (one asked only after a « Oui »), a scale and a comment, opened a week ago for a month,
 * with a few answers so that the results page has something to show. Built through the same use
 * cases as the administrators' pages.
 */
export async function seedDemoConsultation(db: Db, tenantId: string, now: Date): Promise<void> {
  await inTenant(db, tenantId, async (trx) => {
    const admin = await trx
      .selectFrom('agents')
      .select('id')
      .where('role', '=', 'admin')
      .orderBy('created_at')
      .executeTakeFirst();
    if (!admin) return;
    const values: ConsultationValues = {
      titre: 'Horaires d’ouverture de la mairie',
      description:
        'La mairie veut savoir si ses horaires vous conviennent. Vos réponses sont anonymes. Répondre prend deux minutes.',
      public: 'public',
      anonyme: 'oui',
      ouverture_jour: parisDay(new Date(now.getTime() - 7 * DAY)),
      ouverture_heure: '',
      cloture_jour: parisDay(new Date(now.getTime() + 30 * DAY)),
      cloture_heure: '',
    };
    const saved = await saveConsultation(trx, { tenantId, id: null, agentId: admin.id, values, now });
    if (!saved.ok) throw new Error(`demo consultation: ${JSON.stringify(saved.errors)}`);
    const id = saved.value.id;
    const add = async (question: Partial<QuestionValues>) => {
      const result = await saveQuestion(trx, {
        tenantId,
        consultationId: id,
        questionId: null,
        questions: await listQuestions(trx, id),
        values: { ...QUESTION, ...question },
      });
      if (!result.ok) throw new Error(`demo consultation question: ${JSON.stringify(result.errors)}`);
      return result.value.id;
    };
    const wish = await add({
      intitule: 'Aimeriez-vous que la mairie ouvre à d’autres moments ?',
      type: 'single',
      obligatoire: true,
      choix: 'Oui\nNon',
    });
    await add({
      intitule: 'À quels moments ?',
      aide: 'Cochez tout ce qui vous arrange.',
      type: 'multiple',
      choix: 'Le mardi soir jusqu’à 19 h\nLe samedi matin\nPendant la pause de midi',
      condition: conditionValue(wish, 0),
    });
    await add({
      intitule: 'Trouvez-vous facilement un moment pour venir à la mairie ?',
      type: 'scale',
      echelle_min: '1',
      echelle_max: '5',
      echelle_libelle_min: 'Très difficilement',
      echelle_libelle_max: 'Très facilement',
    });
    await add({ intitule: 'Avez-vous une remarque ?', type: 'text' });
    const consultation = (await findConsultation(trx, id))!;
    const questions = await listQuestions(trx, id);
    const published = await publishConsultation(trx, { consultation, questionCount: questions.length, now });
    if (!published.ok) throw new Error(`demo consultation: ${published.message}`);
    const open = (await findConsultation(trx, id))!;
    const [q1, q2, q3, q4] = [...questions].sort((a, b) => a.position - b.position);
    for (const [i, [first, times, scale, comment]] of ANSWERS.entries()) {
      const answered = await answerConsultation(trx, {
        tenantId,
        consultation: open,
        questions,
        fields: { [`q_${q1!.id}`]: first, [`q_${q2!.id}`]: times, [`q_${q3!.id}`]: scale, [`q_${q4!.id}`]: comment },
        token: '',
        source: null,
        now: new Date(now.getTime() - (ANSWERS.length - i) * 3_600_000),
      });
      if (!answered.ok) throw new Error(`demo consultation answer: ${JSON.stringify(answered.errors)}`);
    }
  });
}
