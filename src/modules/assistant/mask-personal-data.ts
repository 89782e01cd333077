/**
 * Personal data taken out of a text before it leaves for a language model, unless the tenant
 * allowed it: email addresses, phone numbers, request references, IBAN-like strings, long runs
 * of digits (tax, social security, card numbers) and names introduced as names (« je
 * m'appelle… », « Madame… »). Each is replaced by a bracketed label the model can still read.
 */
export function maskPersonalData(text: string): string {
  return (
    text
      .replace(/[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]{2,}/g, '[adresse électronique]')
      // IBAN: two letters, two check digits, then 11 to 30 letters and digits, spaces allowed.
      .replace(/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/gi, '[IBAN]')
      // Request references: PREFIX-YYYY-XXXXX (requests/reference.ts).
      .replace(/\b[A-Z]{2,6}[-\s]?\d{4}[-\s]?[0-9A-Z]{5}\b/g, '[référence]')
      // French and international phone numbers: 0X XX XX XX XX, +33 X XX XX XX XX, with . - or spaces.
      .replace(/(?:\+\d{1,3}[\s.-]?(?:\(0\))?\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b/g, '[téléphone]')
      // Any other run of 6 digits or more (spaces allowed between groups).
      .replace(/\b\d(?:[\s.]?\d){5,}\b/g, '[numéro]')
      .replace(
        /\b(je m[’']appelle|mon nom est|mon nom c[’']est|je suis (?:madame|monsieur|mme|m\.)|madame|monsieur|mme|mlle|m\.)(\s+)((?:\p{Lu}[\p{L}’'-]*)(?:\s+\p{Lu}[\p{L}’'-]*){0,3})/giu,
        (_m, intro: string, space: string) => `${intro}${space}[nom]`,
      )
  );
}
