import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** Mails of the account lifecycle: short sentences, one button per mail, its address written out. */

function accountMail(tenant: Tenant, to: string, subject: string, blocks: MailBlock[]): OutgoingMail {
  return renderMail({
    to,
    subject,
    greeting: 'Bonjour,',
    blocks,
    signature: mailSignature(tenant),
    contact: mailContactLines(tenant.contact),
  });
}

export function verifyEmailMail(tenant: Tenant, to: string, link: string): OutgoingMail {
  return accountMail(tenant, to, `Confirmez votre adresse électronique – ${tenant.name}`, [
    { kind: 'paragraph', text: `Vous avez créé un compte sur le site de ${tenant.name}.` },
    { kind: 'paragraph', text: 'Pour confirmer votre adresse électronique, ouvrez ce lien :' },
    { kind: 'button', label: 'Confirmer mon adresse', url: link },
    { kind: 'paragraph', text: 'Ce lien fonctionne une seule fois, pendant 24 heures.' },
    {
      kind: 'paragraph',
      text: "Si vous n'avez pas créé de compte, ignorez ce message : aucun compte ne sera activé.",
    },
  ]);
}

export function accountExistsMail(tenant: Tenant, to: string, loginLink: string, resetLink: string): OutgoingMail {
  return accountMail(tenant, to, `Tentative de création de compte – ${tenant.name}`, [
    {
      kind: 'paragraph',
      text: `Quelqu'un a essayé de créer un compte sur le site de ${tenant.name} avec votre adresse électronique.`,
    },
    { kind: 'paragraph', text: 'Vous avez déjà un compte avec cette adresse.' },
    { kind: 'button', label: 'Me connecter', url: loginLink },
    { kind: 'paragraph', text: 'Si vous avez oublié votre mot de passe, choisissez-en un nouveau :' },
    { kind: 'button', label: 'Choisir un nouveau mot de passe', url: resetLink },
    { kind: 'paragraph', text: "Si ce n'était pas vous, ignorez ce message : votre compte n'a pas changé." },
  ]);
}

/**
 * For an address whose account was never confirmed: whoever registered first chose its
 * password, so the owner of the mailbox chooses one now, which also confirms the address.
 */
export function activateAccountMail(tenant: Tenant, to: string, link: string): OutgoingMail {
  return accountMail(tenant, to, `Activez votre compte – ${tenant.name}`, [
    {
      kind: 'paragraph',
      text: `Une demande de création de compte a été faite sur le site de ${tenant.name} avec votre adresse électronique.`,
    },
    { kind: 'paragraph', text: 'Ce compte n’est pas encore activé. Pour l’activer, choisissez votre mot de passe :' },
    { kind: 'button', label: 'Activer mon compte', url: link },
    { kind: 'paragraph', text: 'Ce lien fonctionne une seule fois, pendant 1 heure.' },
    { kind: 'paragraph', text: "Si ce n'était pas vous, ignorez ce message." },
  ]);
}

export function resetPasswordMail(tenant: Tenant, to: string, link: string): OutgoingMail {
  return accountMail(tenant, to, `Choisir un nouveau mot de passe – ${tenant.name}`, [
    {
      kind: 'paragraph',
      text: `Vous avez demandé à changer le mot de passe de votre compte sur le site de ${tenant.name}.`,
    },
    { kind: 'paragraph', text: 'Pour choisir un nouveau mot de passe, ouvrez ce lien :' },
    { kind: 'button', label: 'Choisir un nouveau mot de passe', url: link },
    { kind: 'paragraph', text: 'Ce lien fonctionne une seule fois, pendant 1 heure.' },
    { kind: 'paragraph', text: 'Après le changement, vous serez déconnecté de tous vos appareils.' },
    {
      kind: 'paragraph',
      text: "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
    },
  ]);
}
