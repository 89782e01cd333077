import { foldText } from './analyser.ts';

/**
 * Generic French cues that a message needs handling today: danger to people, safety, the word
 * « urgent », a death, damage spreading (water leak, gas, fire, a fallen tree), no heating or
 * water, someone vulnerable alone, a deadline tomorrow. On folded text, like complaint cues.
 */
const URGENT_CUES: readonly RegExp[] = [
  /\burgen(?:t|te|ts|tes|ce)\b/,
  /\bdanger/,
  /\bdangereu/,
  /\b(?:au plus vite|immediatement|tout de suite|des que possible|asap)\b/,
  /\b(?:aujourd hui|ce soir|cette nuit|ce matin|demain)\b.*\b(?:avant|dernier delai|absolument|rappele|rappeler|faut|dois|doit|partir)\b/,
  /\b(?:decede|decedee|deces|mort|morte)\b/,
  /\b(?:fuite|inond|degat des eaux)/,
  /\b(?:gaz|incendie|feu|fumee|brule|electrocut|cable electrique)\b/,
  /\b(?:arbre|branche|poteau|mur) (?:tombe|tombee|effondre|arrache|menace)/,
  /\b(?:tombe|tombee|effondre|effondree)s? sur\b/,
  /\b(?:plus|pas|sans) (?:de )?(?:chauffage|eau chaude|eau|electricite)\b/,
  /\b(?:violence|violences|frappe|agress|menace de mort|menaces)\b/,
  /\b(?:blesse|blessee|blessure|accident|allergi\w* .*reaction|reaction allergique|malaise|hopital|urgences)\b/,
  /\b(?:ne repond plus|volets fermes|personne agee seule)\b/,
  /\b(?:a la rue|sans abri|sans logement|dehors ce soir|expulse|expulsion)\b/,
  /\bmordu/,
  /\bmusique a fond\b|\b(?:[0-9]+) ?h(?:[0-9]{2})? du matin\b.*\bfete\b|\bil est [0-9]+ ?h/,
];

export interface UrgencySignal {
  urgency: 'normale' | 'urgente';
  cues: string[];
}

export function detectUrgency(text: string): UrgencySignal {
  const folded = ` ${foldText(text, { keepElisions: true })} `;
  const cues: string[] = [];
  for (const re of URGENT_CUES) {
    const m = re.exec(folded);
    if (m) cues.push(m[0].trim());
  }
  return { urgency: cues.length > 0 ? 'urgente' : 'normale', cues };
}
