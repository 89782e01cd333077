import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * France and its overseas territories, whose mobiles a town hall may text: metropolitan France
 * first (06 and 07), then the overseas departments and collectivities, whose national numbers
 * also start with 06 (0690 Guadeloupe, 0694 Guyane, 0696 Martinique, 0692 and 0693 La Réunion,
 * 0639 Mayotte…) or have no trunk 0 (New Caledonia, French Polynesia, Wallis and Futuna).
 */
const FRENCH_REGIONS: CountryCode[] = ['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'PM', 'BL', 'MF', 'NC', 'PF', 'WF'];

/**
 * A mobile number as typed (« 06 12 34 56 78 », « +33 6 12… », « 0690 12 34 56 ») in E.164
 * (« +33612345678 », « +590690123456 »), or null when it is no French or overseas mobile (a
 * landline cannot receive a text; a foreign number is not ours to text).
 */
export function normaliseMobile(value: string | null | undefined): string | null {
  const typed = (value ?? '').trim();
  if (typed === '' || typed.length > 40) return null;
  const international = /^(\+|00)/.test(typed);
  for (const region of international ? [undefined] : FRENCH_REGIONS) {
    const parsed = parsePhoneNumberFromString(typed.replace(/^00/, '+'), region);
    if (!parsed?.isValid() || !parsed.country || !FRENCH_REGIONS.includes(parsed.country)) continue;
    const type = parsed.getType();
    if (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE') return parsed.number;
  }
  return null;
}
