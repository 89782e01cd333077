import type { TenantContact } from '../db/schema.ts';
import type { Tenant } from './tenant.ts';

/**
 * How the pages name a collectivité and its contact data. Every piece of contact data is
 * optional: a tenant created with only a name must still get sensible sentences.
 */

/** "de Villebelle", "d’Angers", "du Havre", "des Andelys". */
export function ofName(name: string): string {
  if (/^Le /.test(name)) return `du ${name.slice(3)}`;
  if (/^Les /.test(name)) return `des ${name.slice(4)}`;
  if (/^[AEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜ]/i.test(name)) return `d’${name}`;
  return `de ${name}`;
}

/** "la mairie de Villebelle" for a commune, the collectivité's own name otherwise. */
export function organisation(t: Tenant): string {
  return t.kind === 'commune' ? `la mairie ${ofName(t.name)}` : t.name;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The elected head, unnamed: used when the tenant did not name its director of publication. */
export function head(t: Tenant): string {
  return t.kind === 'commune'
    ? `le maire ou la maire ${ofName(t.name)}`
    : `le président ou la présidente ${ofName(t.name)}`;
}

/** The counter's address as lines, or null when the street is unknown. */
export function streetLines(c: TenantContact): string[] | null {
  if (!c.address?.trim()) return null;
  const town = [c.postalCode, c.city].filter((x) => x && x.trim()).join(' ');
  return town ? [c.address, town] : [c.address];
}

/** Where to send a letter: the declared postal address, else the counter's address. */
export function postalLines(t: Tenant): string[] | null {
  const c = t.contact;
  if (c.postalAddress?.trim()) return c.postalAddress.split(/\s*\n\s*/);
  const street = streetLines(c);
  return street ? [capitalise(organisation(t)), ...street] : null;
}

/** A tel: URI keeps digits and a leading plus only. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Formats a YYYY-MM-DD date in French ("3 mars 2026"); other values are shown as given. */
export function frenchDate(value: string | Date): string {
  const d = typeof value === 'string' ? new Date(`${value}T12:00:00Z`) : value;
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat('fr-FR', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: typeof value === 'string' ? 'UTC' : 'Europe/Paris',
  }).format(d);
}
