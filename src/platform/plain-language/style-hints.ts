import type { Sentence, Token } from './sentences.ts';

/**
 * Two style hints of plain-language guides, found from word patterns (no grammar parser):
 * passive voice (« votre dossier a été transmis par le service ») and nominalisations
 * (« procéder à la vérification » for « vérifier »). Both are hints: a pattern can match a
 * sentence that reads well, and the views say « à vérifier », never « faute ».
 */

export interface PassiveHint {
  start: number;
  end: number;
  /** The words found, as written (« a été transmis »). */
  text: string;
  /** « … par le service »: who acts is named, so the sentence can start with them. */
  withAgent: boolean;
}

export interface NominalisationHint {
  start: number;
  end: number;
  text: string;
  /** The verb to write instead, when known (« vérifier »). */
  verb: string | null;
}

/** Lower case, accents kept, typographic apostrophe straightened. */
const lower = (s: string) => s.toLowerCase().replace(/’/g, "'");
/** The word without an elided article or pronoun before it (« l'instruction » → « instruction »). */
const bare = (s: string) => lower(s).replace(/^(?:l|d|n|s|j|qu|m|t)'/, '');

const ETRE = new Set(
  (
    'suis es est sommes êtes sont étais était étions étiez étaient serai seras sera serons serez seront ' +
    'serais serait serions seriez seraient sois soit soyons soyez soient fus fut furent être'
  ).split(' '),
);
const AVOIR = new Set(
  'ai as a avons avez ont avais avait avions aviez avaient aurai auras aura aurons aurez auront aurait auraient'.split(
    ' ',
  ),
);

/** Words that may stand between « être » and the participle. */
const BETWEEN = new Set(
  'pas plus jamais bien déjà encore toujours souvent tout toute tous toutes alors aussi ensuite désormais parfois rarement ni point là ici'.split(
    ' ',
  ),
);

/**
 * Participles that, after « être », are not a passive: verbs conjugated with « être » (« il est
 * venu »), and participles used as adjectives of state (« la mairie est fermée le lundi »).
 */
const NOT_PASSIVE = new Set(
  (
    'allé venu arrivé entré sorti parti resté tombé né mort devenu revenu retourné monté descendu rentré ' +
    'décédé parvenu intervenu survenu advenu passé apparu disparu ' +
    'situé désolé âgé marié pacsé divorcé veuf fatigué occupé fermé ouvert habitué intéressé concerné destiné ' +
    'doué dépassé équipé pressé décidé motivé étonné inquiet ravi assis prêt connecté absent présent joignable ' +
    'disponible compris'
  ).split(' '),
);

/** Irregular participles (and those of the second group) recognised by name. */
const IRREGULAR = new Set(
  (
    'fait dit écrit inscrit décrit prescrit construit produit conduit réduit traduit détruit instruit admis mis ' +
    'pris repris appris transmis soumis permis remis promis commis omis acquis requis offert couvert découvert ' +
    'joint atteint peint contraint craint éteint inclus exclu reçu vu lu su connu tenu obtenu retenu maintenu ' +
    'détenu contenu entendu rendu vendu perdu attendu suspendu prévu pourvu revu battu interrompu résolu conclu ' +
    'élu voulu rempli choisi établi saisi fourni garanti averti accueilli servi suivi poursuivi investi réuni ' +
    'muni puni défini aboli accompli nourri guéri agrandi enrichi'
  ).split(' '),
);

/** The participle's dictionary form: feminine and plural endings removed. */
function masculineSingular(word: string): string[] {
  const forms = [word];
  if (word.endsWith('es')) forms.push(word.slice(0, -2), word.slice(0, -1));
  else if (word.endsWith('e') || word.endsWith('s')) forms.push(word.slice(0, -1));
  return forms;
}

function isParticiple(token: Token, word: string): boolean {
  if (token.kind !== 'word') return false;
  const forms = masculineSingular(word);
  if (forms.some((f) => NOT_PASSIVE.has(f))) return false;
  if (forms.some((f) => IRREGULAR.has(f))) return true;
  return /^\p{L}{2,}é(?:e|s|es)?$/u.test(word);
}

/** Passive voice: a form of « être » (or « a été ») followed by a past participle. */
export function findPassives(sentences: Sentence[]): PassiveHint[] {
  const hints: PassiveHint[] = [];
  for (const s of sentences) {
    const t = s.tokens;
    const low = t.map((x) => lower(x.text));
    for (let i = 0; i < t.length; i++) {
      const word = bare(low[i]!);
      const isEtre = ETRE.has(word) || (word === 'été' && i > 0 && AVOIR.has(bare(low[i - 1]!)));
      if (!isEtre || low[i]!.startsWith("c'")) continue;
      let j = i + 1;
      while (j < t.length && j <= i + 2 && BETWEEN.has(low[j]!)) j++;
      if (j >= t.length) continue;
      if (low[j] === 'été') continue; // « a été » is found from « été »
      if (!isParticiple(t[j]!, low[j]!)) continue;
      const from = word === 'été' && i > 0 ? i - 1 : i;
      const start = t[from]!.start;
      const end = t[j]!.end;
      const after = low.slice(j + 1, j + 4);
      hints.push({
        start,
        end,
        text: s.text.length ? textBetween(s, start, end) : '',
        withAgent: after.includes('par'),
      });
      i = j;
    }
  }
  return hints;
}

function textBetween(s: Sentence, start: number, end: number): string {
  const parts = s.tokens.filter((t) => t.start >= start && t.end <= end).map((t) => t.text);
  return parts.join(' ');
}

/** Nouns made from verbs, and the verb to write instead. */
export const NOUN_TO_VERB: Record<string, string> = {
  réalisation: 'faire',
  vérification: 'vérifier',
  validation: 'valider',
  modification: 'modifier',
  transmission: 'envoyer',
  instruction: 'étudier',
  délivrance: 'remettre',
  attribution: 'donner',
  inscription: 'inscrire',
  utilisation: 'utiliser',
  présentation: 'présenter',
  production: 'fournir',
  paiement: 'payer',
  règlement: 'payer',
  envoi: 'envoyer',
  dépôt: 'déposer',
  traitement: 'traiter',
  versement: 'verser',
  renouvellement: 'renouveler',
  remboursement: 'rembourser',
  enregistrement: 'enregistrer',
  obtention: 'obtenir',
  réception: 'recevoir',
  consultation: 'consulter',
  acquisition: 'acheter',
  évaluation: 'évaluer',
  installation: 'installer',
  intervention: 'intervenir',
  réparation: 'réparer',
  suppression: 'supprimer',
  annulation: 'annuler',
  signature: 'signer',
  organisation: 'organiser',
  préparation: 'préparer',
  rédaction: 'écrire',
  correction: 'corriger',
  analyse: 'analyser',
  étude: 'étudier',
  examen: 'examiner',
  contrôle: 'contrôler',
  nettoyage: 'nettoyer',
  enlèvement: 'enlever',
  ramassage: 'ramasser',
  déclaration: 'déclarer',
  souscription: 'souscrire',
  résiliation: 'résilier',
  prolongation: 'prolonger',
  transfert: 'transférer',
  changement: 'changer',
  augmentation: 'augmenter',
  diminution: 'baisser',
  réduction: 'réduire',
  fermeture: 'fermer',
  ouverture: 'ouvrir',
  livraison: 'livrer',
  réservation: 'réserver',
  confirmation: 'confirmer',
  gestion: 'gérer',
  suivi: 'suivre',
  mise: 'mettre',
  demande: 'demander',
  relecture: 'relire',
  recherche: 'chercher',
  notification: 'prévenir',
  information: 'informer',
};

/** « procéder à », « effectuer », « faire », « assurer », « réaliser », « opérer », « apporter », « prendre ». */
const WEAK_VERB = new Set(
  (
    'procéder procède procèdent procédons procédez procédera procéderons procéderez procéderont procédé procédant ' +
    'effectuer effectue effectues effectuent effectuons effectuez effectuera effectuerons effectuerez effectueront ' +
    'effectué effectuée effectués effectuées effectuant faire fais fait faites font ferai feras fera ferons ferez ' +
    'feront faisons faisant réaliser réalise réalisent réalisons réalisez réalisera réaliserons réalisé réalisée ' +
    'assurer assure assurent assurons assurez assurera assurerons assuré assurée opérer opère opèrent opérons ' +
    'opérez opérera apporter apporte apportent apportons apportez apportera apporté prendre prend prennent ' +
    'prenons prenez prendra prendrons'
  ).split(' '),
);
const ARTICLE = new Set('la le les un une des du votre vos notre nos cette ce cet ces leur leurs'.split(' '));
const NOMINAL_SUFFIX = /(?:tion|sion|ment|age|ance|ence|ure)s?$/u;
/** « faire attention », « faire confiance »: set phrases, not nominalisations. */
const SET_PHRASES = new Set([
  'attention',
  'confiance',
  'connaissance',
  'naissance',
  'page',
  'message',
  'image',
  'âge',
  'moment',
]);

function nounOf(token: Token | undefined): { noun: string; verb: string | null } | null {
  if (!token || token.kind !== 'word') return null;
  const noun = bare(token.text).replace(/s$/, '');
  if (SET_PHRASES.has(noun)) return null;
  const verb = NOUN_TO_VERB[noun] ?? null;
  if (verb || (NOMINAL_SUFFIX.test(noun) && noun.length >= 6)) return { noun, verb };
  return null;
}

/**
 * Nominalisations: a weak verb and a noun made from a verb (« procéder à la vérification »,
 * « effectuer le paiement », « assurer le suivi »), or such a noun heading a « de » chain
 * (« la vérification de votre dossier ») when the verb is known.
 */
export function findNominalisations(sentences: Sentence[]): NominalisationHint[] {
  const hints: NominalisationHint[] = [];
  for (const s of sentences) {
    const t = s.tokens;
    const low = t.map((x) => lower(x.text));
    let i = 0;
    while (i < t.length) {
      const word = bare(low[i]!);
      if (WEAK_VERB.has(word)) {
        let j = i + 1;
        if (j < t.length && ['à', 'au', 'aux'].includes(low[j]!)) j++;
        const elided = j < t.length && /^(?:l|d)['’]/i.test(t[j]!.text);
        const hasArticle = elided || (j < t.length && (ARTICLE.has(low[j]!) || ['au', 'aux'].includes(low[j - 1]!)));
        if (hasArticle && !elided) j++;
        const found = hasArticle ? nounOf(t[j]) : null;
        if (found) {
          hints.push({
            start: t[i]!.start,
            end: t[j]!.end,
            text: textBetween(s, t[i]!.start, t[j]!.end),
            verb: found.verb,
          });
          i = j + 1;
          continue;
        }
      }
      // « la vérification de », « l'instruction du »
      const article = low[i]!;
      const elided = /^(?:l|d)'/.test(article);
      const nounAt = elided ? i : i + 1;
      if (elided || ['la', 'le', 'une', 'un'].includes(article)) {
        const found = nounOf(t[nounAt]);
        const next = low[nounAt + 1] ?? '';
        if (
          found?.verb &&
          found.noun !== 'demande' &&
          found.noun !== 'information' &&
          /^(?:de|du|des|d'.*)$/.test(next)
        ) {
          hints.push({
            start: t[i]!.start,
            end: t[nounAt + 1]!.end,
            text: textBetween(s, t[i]!.start, t[nounAt + 1]!.end),
            verb: found.verb,
          });
          i = nounAt + 2;
          continue;
        }
      }
      i++;
    }
  }
  return hints;
}
