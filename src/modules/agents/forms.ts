import { z } from 'zod';
import type { RequestStatus } from '../../db/schema.ts';
import { MESSAGE_MAX_LENGTH } from '../requests/change-request-status.ts';
import { TRANSFER_REASON_MAX } from '../requests/transfer-request.ts';
import { ESCALATION_REASON_MAX } from '../requests/escalate-request.ts';
import { checkbox, choice, email, hidden, text } from '../../platform/web/form.ts';
import { formatCharactersFr } from '../../platform/format.ts';

/**
 * The agents' HTML forms, checked at the edge. Login forms stay lenient on purpose: an empty or
 * wrong address and a wrong password get the same answer (see the login routes), so their
 * schemas only bound what is read; the password policy is applied by the use cases.
 */

const WRONG_FORM = 'Le formulaire est incomplet : rechargez la page.';

/** A code too long to be one is answered like any wrong code. */
export const WRONG_CODE =
  'Ce code est incorrect ou a déjà servi. Saisissez le code affiché en ce moment par l’application.';

/** Identifiers sent by checkboxes sharing a name (services); unknown ones are dropped later. */
function ids() {
  return z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.string().max(100, { error: WRONG_FORM }))
      .max(200, { error: WRONG_FORM })
      .transform((list) => list.filter((id) => id !== '')),
  );
}

/** A password as typed: never trimmed; empty is left to the policy or to the login check. */
function typedPassword() {
  return text({ max: 1024, required: false, trim: false, tooLong: 'Ce mot de passe est trop long.' });
}

export const loginForm = z.object({
  email: text({ max: 320, required: false, tooLong: 'Cette adresse électronique est trop longue.' }),
  password: typedPassword(),
  retour: hidden(2000),
});

export const secondFactorForm = z.object({
  code: text({ max: 64, required: false, tooLong: WRONG_CODE }),
  retour: hidden(2000),
});

export const enrolmentForm = z.object({
  code: text({ max: 64, required: false, tooLong: WRONG_CODE }),
});

/** Choosing a password, from an invitation or a reset link. */
export const newPasswordForm = z.object({
  jeton: hidden(100),
  password: typedPassword(),
  confirmation: typedPassword(),
});

export const forgotPasswordForm = z.object({
  email: text({
    max: 320,
    required: 'Indiquez l’adresse électronique de votre compte agent.',
    tooLong: 'Cette adresse électronique est trop longue.',
  }),
});

const VALID_AGENT_EMAIL = 'Indiquez une adresse électronique valide, par exemple prenom.nom@mairie.fr.';

export const inviteForm = z.object({
  email: email({ required: VALID_AGENT_EMAIL, invalid: VALID_AGENT_EMAIL }),
  name: text({
    max: 120,
    required: 'Indiquez le nom de la personne.',
    tooLong: `Ce nom est trop long : ${formatCharactersFr(120)} au plus.`,
  }),
  role: choice(['agent', 'supervisor', 'admin'], 'Choisissez un rôle.'),
  services: ids(),
});

export const agentServicesForm = z.object({ services: ids() });

export const requireSecondFactorForm = z.object({
  exiger: choice(['oui', 'non'], WRONG_FORM),
});

export const proConnectForm = z.object({
  sirets: text({
    max: 5000,
    required: false,
    trim: false,
    tooLong: 'Cette liste est trop longue : 100 SIRET au plus.',
  }),
  domains: text({
    max: 5000,
    required: false,
    trim: false,
    tooLong: 'Cette liste est trop longue : 100 noms de domaine au plus.',
  }),
});

const STATUSES = [
  'recue',
  'en_cours',
  'en_attente_usager',
  'traitee',
  'refusee',
] as const satisfies readonly RequestStatus[];

/**
 * Texts of the request page. A textarea sends line breaks as two characters: the bound here is
 * loose, and the use cases apply the exact limit (line breaks counted once) with the same words.
 */
const LONG_TEXT_BOUND = 2 * MESSAGE_MAX_LENGTH;

export const statusChangeForm = z.object({
  statut: choice(STATUSES, 'Choisissez le nouveau statut.'),
  revision: hidden(20),
  message: text({
    max: LONG_TEXT_BOUND,
    required: false,
    trim: false,
    tooLong: `Le message est trop long : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`,
  }),
});

export const internalNoteForm = z.object({
  note: text({
    max: LONG_TEXT_BOUND,
    required: 'Écrivez le texte de la note.',
    tooLong: `La note est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`,
  }),
});

/** The item's revision when the page was opened (requests/revision.ts). */
const revision = () => hidden(20);

export const replyForm = z.object({
  reponse: text({
    max: LONG_TEXT_BOUND,
    required: 'Écrivez votre réponse à l’usager.',
    trim: false,
    tooLong: `La réponse est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`,
  }),
  /** « Prévenir aussi par SMS ». */
  sms: checkbox(),
  revision: revision(),
});

/** Who has the item in hand: an agent's id, or '' for the service's queue. */
export const assignForm = z.object({
  agent: hidden(100),
  revision: revision(),
});

export const transferForm = z.object({
  service: hidden(100),
  motif: text({
    max: 2 * TRANSFER_REASON_MAX,
    required: 'Indiquez pourquoi vous transférez cette demande.',
    trim: false,
    tooLong: 'Le motif est trop long : 1 000 caractères au maximum.',
  }),
  revision: revision(),
});

/** A phone call or a counter visit noted by an agent (requests/record-contact.ts). */
/** « Escalader »: the reason the service's supervisors read. */
export const escalationForm = z.object({
  escalade: text({
    max: 2 * ESCALATION_REASON_MAX,
    required: 'Indiquez pourquoi vous escaladez cette demande.',
    trim: false,
    tooLong: 'Le motif est trop long : 1 000 caractères au maximum.',
  }),
  revision: revision(),
});

export const contactForm = z.object({
  canal: choice(['telephone', 'guichet'], 'Indiquez si la personne a appelé ou est venue à l’accueil.'),
  /** The citizen record chosen among the matches; '' or 'nouvelle': a record from the details typed. */
  usager: hidden(100),
  recherche: text({ max: 200, required: false }),
  /** Required unless a record is chosen (checked by the route). */
  nom: text({ max: 200, required: false }),
  telephone: text({
    max: 40,
    required: false,
    pattern: {
      regex: /^[\d\s.()+-]+$/,
      message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.',
    },
  }),
  courriel: email({ required: false }),
  objet: text({ max: 300, required: 'Indiquez l’objet de sa demande, en quelques mots.' }),
  service: hidden(100),
  suite: choice(['repondu', 'a-traiter', 'rendez-vous', 'oriente'], 'Indiquez la suite donnée.'),
  partenaire: text({ max: 200, required: false }),
  notes: text({ max: 2 * MESSAGE_MAX_LENGTH, required: false, trim: false }),
});

/** « Pour la sélection » on the inbox: the ticked items (« reference:revision ») and one action. */
export const bulkActionForm = z.object({
  selection: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.string().max(40, { error: WRONG_FORM }))
      .max(200, { error: 'Sélectionnez au plus 100 demandes à la fois.' }),
  ),
  action: choice(['prendre', 'attribuer', 'transferer', 'etiqueter', 'statut'], 'Choisissez une action.'),
  agent: hidden(100),
  service: hidden(100),
  etiquette: text({ max: 80, required: false, tooLong: 'Ce nom d’étiquette est trop long : 40 caractères au plus.' }),
  statut: hidden(40),
  texte: text({
    max: LONG_TEXT_BOUND,
    required: false,
    trim: false,
    tooLong: `Le texte est trop long : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`,
  }),
  retour: hidden(2000),
});

/** A tag typed on a request's page (a new one is created). */
export const addTagForm = z.object({
  etiquette: text({
    max: 80,
    required: 'Écrivez le nom de l’étiquette.',
    tooLong: 'Ce nom d’étiquette est trop long : 40 caractères au plus.',
  }),
  revision: revision(),
});

export const removeTagForm = z.object({
  etiquette: hidden(100),
  revision: revision(),
});
