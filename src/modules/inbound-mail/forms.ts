import { z } from 'zod';
import { checkbox, choice, email, text, type SubmittedFields } from '../../platform/web/form.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { TLS_MODES } from './imap-client.ts';

/**
 * The administrators' « Messagerie » form: the address citizens write to and the IMAP mailbox
 * Guichet reads it from. The password is never shown back: left empty, the stored one is kept.
 */

const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\d{1,3}(\.\d{1,3}){3}$/i;
// A folder name as servers accept it: no control characters, no wildcards of LIST.
// eslint-disable-next-line no-control-regex
const FOLDER = /^[^\u0000-\u001f\u007f*%"\\]{1,200}$/;

export const mailboxForm = z.object({
  adresse: email({
    required: 'Indiquez l’adresse à laquelle les habitants écrivent, par exemple mairie@ville.fr.',
  }),
  serveur: text({
    max: 253,
    required: 'Indiquez le nom du serveur IMAP, par exemple imap.hebergeur.fr.',
    tooLong: 'Ce nom de serveur est trop long.',
    pattern: { regex: HOST, message: 'Indiquez un nom de serveur valide, par exemple imap.hebergeur.fr.' },
  }),
  port: text({
    max: 5,
    required: 'Indiquez le port : 993 pour TLS, 143 pour STARTTLS.',
    tooLong: 'Le port est un nombre entre 1 et 65535.',
    pattern: { regex: /^\d{1,5}$/, message: 'Le port est un nombre entre 1 et 65535.' },
  }).refine((v) => Number(v) >= 1 && Number(v) <= 65535, { error: 'Le port est un nombre entre 1 et 65535.' }),
  chiffrement: choice(TLS_MODES, 'Choisissez le mode de chiffrement.'),
  identifiant: text({
    max: 320,
    required: 'Indiquez l’identifiant de la boîte (souvent son adresse).',
    tooLong: 'Cet identifiant est trop long.',
  }),
  mot_de_passe: text({ max: 1024, required: false, trim: false, tooLong: 'Ce mot de passe est trop long.' }),
  dossier: text({
    max: 200,
    required: 'Indiquez le dossier à lire, en général INBOX.',
    pattern: { regex: FOLDER, message: 'Ce nom de dossier contient des caractères refusés (*, %, ", \\).' },
  }),
  dossier_traites: text({
    max: 200,
    required: 'Indiquez le dossier où ranger les messages enregistrés, par exemple Guichet/Traités.',
    pattern: { regex: FOLDER, message: 'Ce nom de dossier contient des caractères refusés (*, %, ", \\).' },
  }).refine((v) => v !== 'INBOX', { error: 'Choisissez un autre dossier que celui qui est lu.' }),
  active: checkbox(),
});

export type MailboxField = keyof typeof mailboxForm.shape;
export type MailboxValues = Record<Exclude<MailboxField, 'active' | 'mot_de_passe'>, string> & { active: boolean };

/** What was typed, shown again (never the password). */
export function typedMailbox(fields: SubmittedFields): MailboxValues {
  return {
    adresse: typedValue(fields, 'adresse', 254),
    serveur: typedValue(fields, 'serveur', 253),
    port: typedValue(fields, 'port', 5),
    chiffrement: typedValue(fields, 'chiffrement', 20),
    identifiant: typedValue(fields, 'identifiant', 320),
    dossier: typedValue(fields, 'dossier', 200),
    dossier_traites: typedValue(fields, 'dossier_traites', 200),
    active: typedValue(fields, 'active', 10) !== '',
  };
}

/** The checked form as the use cases take it. */
export function mailboxInputOf(value: z.output<typeof mailboxForm>) {
  return {
    inboundAddress: value.adresse.toLowerCase(),
    host: value.serveur.toLowerCase(),
    port: Number(value.port),
    tlsMode: value.chiffrement,
    username: value.identifiant,
    /** Empty: keep the stored one. */
    password: value.mot_de_passe,
    folder: value.dossier,
    processedFolder: value.dossier_traites,
    enabled: value.active,
  };
}
export type MailboxInput = ReturnType<typeof mailboxInputOf>;
