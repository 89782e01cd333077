import { formatDateFr } from '../../platform/format.ts';

/** The variables a reply template may use, with what the editor says of each. */
export const TEMPLATE_VARIABLES = [
  { name: 'nom', description: 'le nom de l’usager, tel qu’il l’a donné (vide s’il n’en a pas donné)' },
  { name: 'reference', description: 'la référence de la demande, par exemple VB-2026-4F7K2' },
  { name: 'echeance', description: 'la date à laquelle la demande doit être traitée, par exemple 12 mars 2026' },
  { name: 'demarche', description: 'le nom de la démarche' },
  { name: 'service', description: 'le nom du service qui traite la demande' },
  { name: 'agent', description: 'votre nom, tel qu’il figure sur votre compte' },
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number]['name'];

export interface TemplateValues {
  applicantName: string | null;
  reference: string;
  dueOn: string;
  demarcheTitle: string;
  serviceName: string;
  agentName: string;
}

/**
 * A template's text with its variables replaced, as plain text: the page puts it in the reply's
 * textarea through the html`` template (escaped there), the mail sends it as text. A variable
 * that is not one of TEMPLATE_VARIABLES is left as written, so that the agent sees it and fixes
 * it before sending.
 */
export function fillTemplate(body: string, values: TemplateValues): string {
  const known: Record<TemplateVariable, string> = {
    nom: values.applicantName ?? '',
    reference: values.reference,
    echeance: formatDateFr(values.dueOn),
    demarche: values.demarcheTitle,
    service: values.serviceName,
    agent: values.agentName,
  };
  return body.replace(/\{\{\s*([a-zA-Z_]+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(known, name.toLowerCase()) ? known[name.toLowerCase() as TemplateVariable] : whole,
  );
}

/** The {{names}} of a text that are not template variables: the editor warns about them. */
export function unknownVariables(body: string): string[] {
  const names = [...body.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1]!);
  const known = new Set<string>(TEMPLATE_VARIABLES.map((v) => v.name));
  return [...new Set(names.filter((n) => !known.has(n.toLowerCase())))];
}
