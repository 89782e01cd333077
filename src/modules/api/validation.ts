import type { FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { AppError } from '../../platform/errors.ts';

interface ValidationErrorLike extends Error {
  validation?: FastifySchemaValidationError[];
  validationContext?: string;
}

/**
 * Turns schema errors (zod issues, reported by fastify-type-provider-zod) into the API's
 * `{ field, message }` list, in French: zod's own messages are English and technical.
 */
export function validationDetails(error: ValidationErrorLike): { field: string; message: string }[] {
  const context = error.validationContext ?? 'body';
  const issues = error.validation ?? [];
  if (issues.length === 0) return [{ field: context, message: 'Valeur non valide.' }];
  return issues.map((issue) => ({ field: fieldName(context, issue.instancePath), message: frenchMessage(issue) }));
}

function fieldName(context: string, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  // answers/<field>/<sub>: the form's field is what the client knows.
  if (context === 'body' && parts[0] === 'answers' && parts.length > 1) return parts.slice(1).join('.');
  if (context === 'headers') return parts.map((p) => (p === 'x-tracking-code' ? 'X-Tracking-Code' : p)).join('.');
  return parts.length > 0 ? parts.join('.') : context;
}

function frenchMessage(issue: FastifySchemaValidationError): string {
  const params = issue.params as Record<string, unknown>;
  switch (issue.keyword) {
    case 'invalid_type':
      if (/received undefined/.test(issue.message ?? '')) return 'Cette valeur est obligatoire.';
      if (params.expected === 'object') return 'Un objet JSON est attendu.';
      if (params.expected === 'string') return 'Un texte est attendu.';
      if (params.expected === 'array') return 'Une liste est attendue.';
      return 'Cette valeur n’a pas le bon type.';
    case 'invalid_union':
      return 'Réponse non valide : envoyez un texte, une liste de textes, ou une adresse avec street, postalCode et city.';
    case 'too_small':
      return 'Cette valeur est trop courte ou vide.';
    case 'too_big':
      return 'Cette valeur est trop longue.';
    case 'invalid_key':
      return 'Ce nom de champ n’est pas valide : lettres minuscules, chiffres et « _ » seulement.';
    case 'invalid_format':
      return 'Cette valeur n’a pas le bon format.';
    default:
      return 'Cette valeur n’est pas valide.';
  }
}

/** With attachValidation, schema errors reach the handler and are answered in the API's shape. */
export function rejectInvalid(request: FastifyRequest): void {
  if (!request.validationError) return;
  throw new AppError(
    'validation_failed',
    'La requête contient des erreurs. Corrigez les éléments indiqués.',
    validationDetails(request.validationError),
  );
}
