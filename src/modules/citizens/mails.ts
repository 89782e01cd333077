import type { OutgoingMail } from '../../platform/mail.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** Mails of the account lifecycle. Plain text, short sentences, the link on a line of its own. */

export function verifyEmailMail(tenant: Tenant, to: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Confirmez votre adresse électronique – ${tenant.name}`,
    text: [
      'Bonjour,',
      '',
      `Vous avez créé un compte sur le site de ${tenant.name}.`,
      'Pour confirmer votre adresse électronique, ouvrez ce lien :',
      '',
      link,
      '',
      'Ce lien fonctionne une seule fois, pendant 24 heures.',
      "Si vous n'avez pas créé de compte, ignorez ce message : aucun compte ne sera activé.",
      '',
      tenant.name,
    ].join('\n'),
  };
}

export function accountExistsMail(tenant: Tenant, to: string, loginLink: string, resetLink: string): OutgoingMail {
  return {
    to,
    subject: `Tentative de création de compte – ${tenant.name}`,
    text: [
      'Bonjour,',
      '',
      `Quelqu'un a essayé de créer un compte sur le site de ${tenant.name} avec votre adresse électronique.`,
      'Vous avez déjà un compte avec cette adresse.',
      '',
      'Pour vous connecter :',
      loginLink,
      '',
      'Si vous avez oublié votre mot de passe, choisissez-en un nouveau :',
      resetLink,
      '',
      "Si ce n'était pas vous, ignorez ce message : votre compte n'a pas changé.",
      '',
      tenant.name,
    ].join('\n'),
  };
}

/**
 * For an address whose account was never confirmed: whoever registered first chose its
 * password, so the owner of the mailbox chooses one now, which also confirms the address.
 */
export function activateAccountMail(tenant: Tenant, to: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Activez votre compte – ${tenant.name}`,
    text: [
      'Bonjour,',
      '',
      `Une demande de création de compte a été faite sur le site de ${tenant.name} avec votre adresse électronique.`,
      'Ce compte n’est pas encore activé.',
      'Pour l’activer, choisissez votre mot de passe avec ce lien :',
      '',
      link,
      '',
      'Ce lien fonctionne une seule fois, pendant 1 heure.',
      "Si ce n'était pas vous, ignorez ce message.",
      '',
      tenant.name,
    ].join('\n'),
  };
}

export function resetPasswordMail(tenant: Tenant, to: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Choisir un nouveau mot de passe – ${tenant.name}`,
    text: [
      'Bonjour,',
      '',
      `Vous avez demandé à changer le mot de passe de votre compte sur le site de ${tenant.name}.`,
      'Pour choisir un nouveau mot de passe, ouvrez ce lien :',
      '',
      link,
      '',
      'Ce lien fonctionne une seule fois, pendant 1 heure.',
      'Après le changement, vous serez déconnecté de tous vos appareils.',
      "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
      '',
      tenant.name,
    ].join('\n'),
  };
}
