/** What the citizen can choose in "Mes préférences", stored in citizens.preferences. */

export const CHANNELS = { email: 'Courriel', sms: 'SMS', courrier: 'Courrier postal' } as const;
export type Channel = keyof typeof CHANNELS;

/** Only languages the site is actually available in. */
export const LANGUAGES = { fr: 'Français' } as const;
export type Language = keyof typeof LANGUAGES;

export const NEEDS = {
  gros_caracteres: 'Documents en gros caractères',
  langue_des_signes: 'Échanges en langue des signes française (LSF)',
  aide_remplir: 'Aide pour remplir les formulaires',
} as const;
export type Need = keyof typeof NEEDS;

export interface CitizenPreferences {
  channel: Channel;
  language: Language;
  needs: Need[];
  needsText: string;
}

export const NEEDS_TEXT_MAX = 1000;

/** Reads stored preferences, tolerating older or partial shapes. */
export function readPreferences(raw: Record<string, unknown>): CitizenPreferences {
  const channel = typeof raw.channel === 'string' && raw.channel in CHANNELS ? (raw.channel as Channel) : 'email';
  const language = typeof raw.language === 'string' && raw.language in LANGUAGES ? (raw.language as Language) : 'fr';
  const needs = Array.isArray(raw.needs) ? raw.needs.filter((n): n is Need => typeof n === 'string' && n in NEEDS) : [];
  const needsText = typeof raw.needsText === 'string' ? raw.needsText.slice(0, NEEDS_TEXT_MAX) : '';
  return { channel, language, needs, needsText };
}

/** "Mozilla/5.0 (Windows NT 10.0; …) Chrome/120…" → "Chrome sur Windows". */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Navigateur inconnu';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : 'Navigateur inconnu';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  return os ? `${browser} sur ${os}` : browser;
}
