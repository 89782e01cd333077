import type { TenantContact } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { findTenantSettings, saveTenantSettings, type TenantSettingsRow } from './repository.ts';

/**
 * What the administrators set on « Coordonnées et courriels ». Null (or an empty list) means
 * « not given »: the detail disappears from the pages, or the default applies (the sender's
 * name « Mairie de … », MAIL_FROM's address, the contact address as Reply-To, Guichet's colour).
 */
export interface CommuneSettings {
  contact: {
    address: string | null;
    postalCode: string | null;
    city: string | null;
    /** As people read it: « 01 23 45 67 89 ». */
    phone: string | null;
    email: string | null;
    openingHours: string[];
    /** Several lines, as on an envelope. */
    postalAddress: string | null;
    website: string | null;
  };
  mailSenderName: string | null;
  mailSenderAddress: string | null;
  mailReplyTo: string | null;
  /** '#rrggbb', readable on white (checked by the form). */
  primaryColor: string | null;
  /** 14 digits: sent to API Particulier as `recipient` (decision 31). */
  siret: string | null;
}

type ContactKey = keyof CommuneSettings['contact'];
const CONTACT_KEYS: ContactKey[] = [
  'address',
  'postalCode',
  'city',
  'phone',
  'email',
  'openingHours',
  'postalAddress',
  'website',
];

function settingsOfRow(row: TenantSettingsRow): CommuneSettings {
  const c = row.contact;
  return {
    contact: {
      address: c.address ?? null,
      postalCode: c.postalCode ?? null,
      city: c.city ?? null,
      phone: c.phone ?? null,
      email: c.email ?? null,
      openingHours: c.openingHours ?? [],
      postalAddress: c.postalAddress ?? null,
      website: c.website ?? null,
    },
    mailSenderName: row.mail_sender_name,
    mailSenderAddress: row.mail_sender_address,
    mailReplyTo: row.mail_reply_to,
    primaryColor: row.theme.primaryColor ?? null,
    siret: row.siret,
  };
}

/** The settings as stored, for the form (read from the database, not the tenant cached per request). */
export async function findCommuneSettings(trx: Tx, tenantId: string): Promise<CommuneSettings> {
  const row = await findTenantSettings(trx, tenantId);
  if (!row) throw new AppError('not_found', 'Cette collectivité n’existe pas.');
  return settingsOfRow(row);
}

/**
 * Saves the contact details, the mail sender and the colour of the tenant. Only the keys of the
 * form change: what else the contact and theme hold (France services counters, accessibility
 * status, legal notice details, logo text) is kept as it is. Returns the names of the settings
 * that changed, for the log.
 */
export async function updateCommuneSettings(
  trx: Tx,
  input: { tenantId: string; settings: CommuneSettings },
): Promise<{ changed: string[] }> {
  const row = await findTenantSettings(trx, input.tenantId, { forUpdate: true });
  if (!row) throw new AppError('not_found', 'Cette collectivité n’existe pas.');
  const next = input.settings;

  const contact: TenantContact = { ...row.contact };
  for (const key of CONTACT_KEYS) {
    const value = next.contact[key];
    if (value === null || (Array.isArray(value) && value.length === 0)) delete contact[key];
    else (contact as Record<ContactKey, unknown>)[key] = value;
  }
  const theme = { ...row.theme };
  if (next.primaryColor) theme.primaryColor = next.primaryColor;
  else delete theme.primaryColor;

  await saveTenantSettings(trx, input.tenantId, {
    contact,
    theme,
    mail_sender_name: next.mailSenderName,
    mail_sender_address: next.mailSenderAddress,
    mail_reply_to: next.mailReplyTo,
    siret: next.siret,
  });

  const before = settingsOfRow(row);
  const changed = [
    ...CONTACT_KEYS.filter((k) => JSON.stringify(before.contact[k]) !== JSON.stringify(next.contact[k])).map(
      (k) => `contact.${k}`,
    ),
    ...(['mailSenderName', 'mailSenderAddress', 'mailReplyTo', 'primaryColor', 'siret'] as const).filter(
      (k) => before[k] !== next[k],
    ),
  ];
  return { changed };
}
