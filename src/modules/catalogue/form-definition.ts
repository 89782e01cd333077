import { z } from 'zod';

/**
 * The form of an online démarche, stored as data (demarches.form, JSON). The form engine
 * (modules/requests/form-engine/) renders it as accessible HTML and validates answers against
 * it. The applicant's identity and contact section is added by the engine to every form, so
 * definitions only describe what is specific to the démarche.
 */
export const FIELD_TYPES = [
  'text',
  'textarea',
  'email',
  'phone',
  'date',
  'number',
  'choice',
  'multichoice',
  'checkbox',
  'address',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** File types a field may accept; checked from the content (magic bytes), never the name. */
export const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AcceptedFileType = (typeof FILE_TYPES)[number];

/** What API Particulier can give instead of a document (modules/state-data, decision 31). */
export const STATE_DATA_KINDS = ['quotient_familial', 'statut_etudiant', 'statut_demandeur_emploi'] as const;
export type StateDataKind = (typeof STATE_DATA_KINDS)[number];

/**
 * The identity claims FranceConnect gives (OpenID Connect names) that a field may take its value
 * from: `preferred_username` is the nom d'usage, `birthplace` an INSEE commune code (empty when
 * born abroad), `birthcountry` an INSEE country code (99100 is France).
 */
export const IDENTITY_CLAIMS = [
  'given_name',
  'family_name',
  'preferred_username',
  'birthdate',
  'birthplace',
  'birthcountry',
  'gender',
  'email',
] as const;
export type IdentityClaim = (typeof IDENTITY_CLAIMS)[number];

const dateBound = z.union([z.literal('today'), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]);

export const formFieldSchema = z
  .object({
    /** Stable key of the answer: lower case, digits and underscores. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    type: z.enum(FIELD_TYPES),
    label: z.string().min(1),
    help: z.string().optional(),
    required: z.boolean(),
    /** choice and multichoice */
    options: z.array(z.object({ value: z.string().regex(/^[a-z0-9_-]+$/), label: z.string().min(1) })).optional(),
    /** choice: radio buttons (default, up to 6 options) or a select list */
    display: z.enum(['radio', 'select']).optional(),
    validation: z
      .object({
        minLength: z.number().int().min(0).optional(),
        maxLength: z.number().int().min(1).optional(),
        min: z.number().optional(),
        max: z.number().optional(),
        /** A regular expression the whole answer must match (text fields). */
        pattern: z.string().optional(),
        /** Plain-language message shown when `pattern` does not match. */
        patternMessage: z.string().optional(),
        minDate: dateBound.optional(),
        maxDate: dateBound.optional(),
        /** multichoice: how many options at least / at most */
        minChoices: z.number().int().min(0).optional(),
        maxChoices: z.number().int().min(1).optional(),
      })
      .optional(),
    /** file: accepted types (default: PDF, JPEG, PNG) */
    accept: z.array(z.enum(FILE_TYPES)).optional(),
    /** file: several files allowed */
    multiple: z.boolean().optional(),
    /**
     * checkbox: ticking it gives a consent (RGPD), recorded with its exact wording at submission.
     * An optional one (`required: false`) can be withdrawn by the citizen later; a required one is
     * a condition of the démarche and cannot (privacy/consents.ts, `isWithdrawable`).
     */
    consent: z.boolean().optional(),
    /**
     * checkbox with `consent`: ticking it lets the commune ask API Particulier for this data
     * (modules/state-data); the form shows a button that fetches it. `fallback` is the file field
     * the form asks for instead when the citizen does not agree or the call fails.
     */
    stateData: z.object({ kind: z.enum(STATE_DATA_KINDS), fallback: z.string() }).optional(),
    /** HTML autocomplete token (e.g. "bday"), for browsers and assistive technologies. */
    autocomplete: z.string().optional(),
    /** Shown (and validated) only when another field has one of these values. */
    showIf: z.object({ field: z.string(), equals: z.union([z.string(), z.array(z.string())]) }).optional(),
    /**
     * The identity claim this field takes. Under FranceConnect the field is filled with the
     * verified value and locked, and the verified value replaces whatever the form sends; when
     * the claim is missing or cannot fill the field (born abroad, a choice with no matching
     * option) the field stays editable. With a password account, the profile only pre-fills it.
     */
    claim: z.enum(IDENTITY_CLAIMS).optional(),
    /**
     * The claim applies only when another field has one of these values (a civil-status act
     * asked for oneself): the field stays editable, and the verified value replaces the answer
     * at submission only when the condition holds.
     */
    claimIf: z.object({ field: z.string(), equals: z.union([z.string(), z.array(z.string())]) }).optional(),
  })
  .superRefine((f, ctx) => {
    if ((f.type === 'choice' || f.type === 'multichoice') && (!f.options || f.options.length < 2)) {
      ctx.addIssue({ code: 'custom', message: `${f.name}: a ${f.type} field needs at least two options` });
    }
    if (f.claimIf && !f.claim) ctx.addIssue({ code: 'custom', message: `${f.name}: claimIf without a claim` });
    if (f.claim && !['text', 'email', 'date', 'choice'].includes(f.type)) {
      ctx.addIssue({ code: 'custom', message: `${f.name}: a ${f.type} field cannot take a claim` });
    }
  });

export type FormField = z.infer<typeof formFieldSchema>;

export const formSectionSchema = z.object({
  title: z.string().min(1),
  description: z.string().optional(),
  fields: z.array(formFieldSchema).min(1),
});
export type FormSection = z.infer<typeof formSectionSchema>;

export const formDefinitionSchema = z
  .object({
    version: z.literal(1),
    /** Shown above the form: what the citizen will be asked, how long it takes. */
    intro: z.string().optional(),
    sections: z.array(formSectionSchema).min(1),
  })
  .superRefine((def, ctx) => {
    const names = new Set<string>();
    for (const field of def.sections.flatMap((s) => s.fields)) {
      if (names.has(field.name)) ctx.addIssue({ code: 'custom', message: `duplicate field name ${field.name}` });
      names.add(field.name);
    }
    for (const field of def.sections.flatMap((s) => s.fields)) {
      if (field.showIf && !names.has(field.showIf.field)) {
        ctx.addIssue({
          code: 'custom',
          message: `${field.name}: showIf refers to unknown field ${field.showIf.field}`,
        });
      }
      if (field.claimIf && !names.has(field.claimIf.field)) {
        ctx.addIssue({
          code: 'custom',
          message: `${field.name}: claimIf refers to unknown field ${field.claimIf.field}`,
        });
      }
    }
  });
export type FormDefinition = z.infer<typeof formDefinitionSchema>;

/** Parses a stored definition; throws with the reasons when it is not valid. */
export function parseFormDefinition(value: unknown): FormDefinition {
  return formDefinitionSchema.parse(value);
}
