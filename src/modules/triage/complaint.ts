import { foldText } from './analyser.ts';

/**
 * Complaint detection: generic French cues that a message complains about a service or contests
 * a decision, on folded text (lower case, no accents, apostrophes as spaces: « n’a pas » is
 * « n a pas »). No cue names a service or a démarche: the same cues hold for any commune and any
 * topic. Strong cues say it on their own (« réclamation », « contester », « inadmissible »,
 * « toujours pas », « aucune réponse », « déjà signalé »); weaker ones (a long wait, « alors
 * que », « malgré », « pourquoi », a neighbour's nuisance, an exclamation) need a second one, or
 * the classifier feature: the message's similarity to the knowledge base's complaint articles.
 */
const STRONG_CUES: readonly RegExp[] = [
  /\breclamation/,
  /\b(?:me|se|nous) plai(?:ns|nt|ndre|gnons|gnent)\b/,
  /\bplainte\b(?<!\b(?:porte|porter|deposer|depose) plainte\b)/,
  /\bcontest(?:e|er|ons|ez|ent|ation)\b/,
  /\brecours\b/,
  /\binadmissible/,
  /\binacceptable/,
  /\bscandal/,
  /\bhonte(?:ux|use)?\b/,
  /\bmecontent/,
  /\ben colere\b/,
  /\benerve/,
  /\bagace/,
  /\bexaspere/,
  /\bras le bol\b/,
  /\binjuste/,
  /\bn accepte pas\b/,
  /\bpas d accord\b/,
  /\b(?:etre |soit )?rembourse(?:r|e|s)?\b/,
  /\bdemande un geste\b/,
  /\bparler (?:au|a la) (?:maire|responsable|directeur|directrice)\b/,
  /\bqu attend/,
  /\ble monde a l envers\b/,
  /\btoujours (?:pas|rien|aucun|aucune|sans)\b/,
  /\b(?:aucune|pas de|sans) (?:reponse|nouvelle|nouvelles|suite|effet|retour)\b/,
  /\bn ai (?:rien|jamais) recu\b/,
  /\bpersonne ne (?:repond|rappelle|vient|bouge)\b/,
  /\bne repond (?:pas|jamais)\b/,
  /\bdeja (?:signale|appele|ecrit|relance|demande|fait la demande)/,
  /\bpour la (?:deuxieme|troisieme|quatrieme|[0-9]+e) fois\b/,
  /\b(?:plusieurs|trois|quatre|[0-9]+) fois\b.*\b(?:personne|rien|aucun|aucune|jamais)\b/,
  /\brelance/,
  /\bil faudra (?:un|une) (?:accident|drame|mort)\b/,
];

const WEAK_CUES: readonly RegExp[] = [
  /\btoujours\b/,
  /\bjamais\b/,
  /\b(?:cela|ca) fait (?:[0-9]+|deux|trois|quatre|plusieurs) (?:jours|semaines|mois|ans|week ends?)\b/,
  /\bdepuis (?:[0-9]+|une|deux|trois|quatre|plusieurs) (?:jours|semaines|mois)\b/,
  /\b(?:[0-9]+|deux|trois) week ends? de suite\b/,
  /\btous les (?:soirs|jours|matins|samedis|dimanches|week ends|nuits)\b/,
  /\balors qu/,
  /\bmalgre\b/,
  /\bsans aucun/,
  /\bpourquoi\b/,
  /\bimpossible\b/,
  /\b(?:corriger|rectifier|erreur)\b/,
  /\bvoisin/,
  /\b(?:non|pas) (?:rendu|rendue|ramasse|ramasses|repare|tenu|respecte)\b/,
  /\bn (?:a|ont|est|sont) pas ete (?:ramasse|repare|traite|rendu|affiche|nettoye|balaye|prevenu|entretenu)/,
  /\bne (?:fonctionne|marche) (?:plus|pas)\b/,
  /\b(?:explications?|eclaircissements?)\b/,
  /\bpour rien\b/,
  /\bqui (?:paie|paye|va payer)\b/,
  /\bvolee?s\b/,
  /\bmordu/,
  /\bj ai peur\b/,
  /\bsales?\b/,
  /\benvahie?s?\b/,
  /\bcreve/,
  /\bradiee?s?\b/,
  /\bplus entretenu/,
  // A negative judgement of the service or the place.
  /\b(?:illisible|casse|cassee|inadapte|inadaptee|lamentable|incompetent|insupportable|intolerable|degoutant|catastroph\w*|chaos|n importe quoi|inutile)\b/,
  // A negation: what should have happened did not (« n’a pas été », « aucun », « rien »).
  /\b(?:ne|n)(?: \w+){1,2} (?:pas|plus|jamais|rien|aucun|aucune|personne)\b|\baucune?\b|\brien\b/,
];

export interface ComplaintSignal {
  isComplaint: boolean;
  /** The cues found, for the agent (« Réclamation probable » says why). */
  cues: string[];
  score: number;
}

/** Weight of the classifier feature (similarity 0..1 to the complaint articles). */
const SIMILARITY_WEIGHT = 2;

/**
 * Whether a message is a complaint or contests a decision: strong cues count 1, weak ones 0.5,
 * an exclamation or a doubled question mark 0.5 once, plus the similarity to the knowledge base's
 * complaint articles × 2. A complaint from 1.
 */
export function detectComplaint(text: string, complaintSimilarity = 0): ComplaintSignal {
  const folded = ` ${foldText(text, { keepElisions: true })} `;
  const cues: string[] = [];
  let score = 0;
  for (const [list, weight] of [
    [STRONG_CUES, 1],
    [WEAK_CUES, 0.5],
  ] as const) {
    for (const re of list) {
      const m = re.exec(folded);
      if (m) {
        cues.push(m[0].trim());
        score += weight;
      }
    }
  }
  if (/!|\?\s*\?/.test(text)) score += 0.5;
  score += complaintSimilarity * SIMILARITY_WEIGHT;
  return { isComplaint: score >= 1, cues, score };
}

/** Stems of complaint words: they tell how a message is said, not where it should go. */
export const COMPLAINT_WORDS: readonly string[] = [
  'reclamation',
  'plainte',
  'plaint',
  'mecontent',
  'contester',
  'contestation',
  'recours',
  'inadmissible',
  'scandale',
  'honteux',
];
