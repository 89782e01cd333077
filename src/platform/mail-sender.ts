import type { TenantContact } from '../db/schema.ts';
import { ofName } from './tenant-wording.ts';

export interface MailSender {
  /** The From header: the commune's name and address, e.g. `"Mairie de Villebelle" <…>`. */
  from: { name: string; address: string };
  replyTo?: string;
}

/** The address part of MAIL_FROM (`Guichet <ne-pas-repondre@x>` or a bare address). */
export function addressOf(mailFrom: string): string {
  return (/<([^<>\s]+@[^<>\s]+)>/.exec(mailFrom)?.[1] ?? mailFrom).trim();
}

/**
 * Who a tenant's mail comes from. Citizens open a mail from « Mairie de Villebelle », not from
 * the software: by default the sender is the mairie (or the collectivité's own name), at the
 * deployment's address (MAIL_FROM); both can be set per tenant. Replies go to the tenant's
 * chosen Reply-To, else its contact address, else nowhere in particular (no Reply-To).
 */
export function tenantMailSender(
  tenant: {
    name: string;
    kind: string;
    contact: TenantContact;
    mail_sender_name: string | null;
    mail_sender_address: string | null;
    mail_reply_to: string | null;
  },
  mailFrom: string,
): MailSender {
  const name = tenant.mail_sender_name?.trim() || mailSignature(tenant);
  const address = tenant.mail_sender_address?.trim() || addressOf(mailFrom);
  const replyTo = tenant.mail_reply_to?.trim() || tenant.contact.email?.trim() || undefined;
  return { from: { name, address }, ...(replyTo && replyTo !== address ? { replyTo } : {}) };
}

/** How a tenant signs its mails: « Mairie de Villebelle », or the collectivité's own name. */
export function mailSignature(tenant: { name: string; kind?: string }): string {
  return tenant.kind === undefined || tenant.kind === 'commune' ? `Mairie ${ofName(tenant.name)}` : tenant.name;
}

/** The tenant's contact lines for a mail's footer; none that the tenant did not declare. */
export function mailContactLines(c: TenantContact): string[] {
  const counter = c.address?.trim()
    ? `${c.address}${c.postalCode ? `, ${c.postalCode}` : ''}${c.city ? ` ${c.city}` : ''}`
    : null;
  return [
    c.phone?.trim() ? `Téléphone : ${c.phone}` : null,
    c.email?.trim() ? `Courriel : ${c.email}` : null,
    counter ? `Accueil : ${counter}` : null,
  ].filter((line): line is string => line !== null);
}
