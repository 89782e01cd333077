/**
 * npm run eval: the demo commune on an embedded database (in memory), then triage over
 * corpus/requests-dev.jsonl and article search over corpus/questions-dev.jsonl. Prints a table and
 * writes docs/evaluation.md. Other sets of the same shape: EVAL_REQUESTS=… EVAL_QUESTIONS=….
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/database.ts';
import { CORPUS_DIR, seedDemo } from '../demo/seed-demo.ts';
import {
  evaluateArticles,
  evaluateTriage,
  readJsonLines,
  type LabelledQuestion,
  type LabelledRequest,
} from '../modules/triage/evaluate.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const requestsFile = process.env.EVAL_REQUESTS ?? path.join(CORPUS_DIR, '..', 'requests-dev.jsonl');
const questionsFile = process.env.EVAL_QUESTIONS ?? path.join(CORPUS_DIR, '..', 'questions-dev.jsonl');

const TARGETS = { top3: 0.97, top1: 0.9, declined: 0.9, routing: 0.9, complaint: 0.92 };

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const database = await openDatabase({ url: undefined, dataDir: 'memory://' });
try {
  const { tenantId } = await seedDemo(database);
  const requests = await readJsonLines<LabelledRequest>(requestsFile);
  const questions = await readJsonLines<LabelledQuestion>(questionsFile);
  const triage = await evaluateTriage(database.db, tenantId, requests);
  const articles = await evaluateArticles(database.db, tenantId, questions);
  const rows: [string, string, number, number | null][] = [
    ['Articles : bon article en 1er', `${articles.inScope} questions`, articles.top1, TARGETS.top1],
    ['Articles : bon article dans les 3 premiers', `${articles.inScope} questions`, articles.top3, TARGETS.top3],
    ['Questions du périmètre auxquelles il répond', `${articles.inScope} questions`, articles.answered, null],
    ['Questions hors sujet déclinées', `${articles.outOfScope} questions`, articles.declined, TARGETS.declined],
    ['Orientation vers le bon service', `${triage.n} messages`, triage.routing, TARGETS.routing],
    ['Détection des réclamations', `${triage.n} messages`, triage.complaint, TARGETS.complaint],
    ['Urgence', `${triage.n} messages`, triage.urgency, null],
  ];
  const table = [
    '| mesure | sur | résultat | cible |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      ([name, on, value, target]) =>
        `| ${name} | ${on} | ${pct(value)} | ${target === null ? '—' : `≥ ${pct(target)}${value >= target ? '' : ' (non atteinte)'}`} |`,
    ),
  ].join('\n');
  const confusion = [
    '| service attendu | messages | bien orientés | orientés ailleurs |',
    '| --- | --- | --- | --- |',
    ...triage.perService.map(
      (s) =>
        `| ${s.service} | ${s.n} | ${s.right} | ${
          Object.entries(s.wrongTo)
            .sort((a, b) => b[1] - a[1])
            .map(([to, k]) => `${to} (${k})`)
            .join(', ') || '—'
        } |`,
    ),
  ].join('\n');
  const date = new Date().toISOString().slice(0, 10);
  console.log(table);
  console.log();
  console.log(confusion);
  console.log(`\ntriage: ${Math.round(triage.messagesPerSecond)} messages/s (in process, one core)`);
  const doc = `# Evaluation

Measured on ${date} with \`npm run eval\` (the demo commune on an embedded database in memory, local mode:
no LLM). Sets: \`${path.relative(ROOT, requestsFile)}\` and \`${path.relative(ROOT, questionsFile)}\`.
The same command runs on held-out sets of the same shape with \`EVAL_REQUESTS=… EVAL_QUESTIONS=…\`.

${table}

## Routing by service

${confusion}

## Method

- **Routing** (\`src/modules/triage/classifier.ts\`): TF-IDF vectors of the tenant's public articles (title and
  keywords weighted three times over the body, without the contact boilerplate) and of each service's name and
  description; document frequency counted over services, so words every service uses weigh nothing; a service scores
  its best document plus half its centroid. The French analyser folds accents, removes elisions and stop words, stems
  lightly and adds pairs of neighbouring words. Complaint words and the proper names of places (« rue des Écoles »)
  are left out of routing. Nothing is learnt from the labelled messages.
- **Complaints** (\`complaint.ts\`): generic French cues (contest, anger, waiting, « toujours pas », « aucune
  réponse », negations, a neighbour's nuisance…), strong ones alone, weaker ones in pairs, plus the message's
  similarity to the knowledge base's complaint articles.
- **Urgency** (\`urgency.ts\`): generic cues of danger, death, damage spreading, no heating, deadlines.
- **Articles**: the seam \`src/modules/triage/related-articles.ts\` (today the catalogue's \`searchDemarches\`).

See [decision 28](decisions/0028-triage-trained-from-the-knowledge-base.md).
`;
  await writeFile(path.join(ROOT, 'docs', 'evaluation.md'), doc);
  console.log('\nwritten: docs/evaluation.md');
} finally {
  await database.close();
}
