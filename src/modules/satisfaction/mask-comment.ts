import { maskPersonalData } from '../assistant/mask-personal-data.ts';

/** « 12 rue des Lilas », « 3 bis, avenue Jean Jaurès »: a number and a kind of way, then its name. */
const STREET_ADDRESS =
  /\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|impasse|all[ée]e|route|quai|cours|square|lotissement|r[ée]sidence)\b[^\n,.;:!?]{0,40}/giu;

/**
 * An anonymous answer's comment, as it is stored: emails, phone numbers, references, long
 * numbers and names introduced as names are masked (the assistant's masking), and street
 * addresses too. What the citizen chose to link to their request is kept as typed: the agents
 * already know who they are.
 */
export function maskComment(text: string): string {
  return maskPersonalData(text).replace(STREET_ADDRESS, '[adresse]');
}
