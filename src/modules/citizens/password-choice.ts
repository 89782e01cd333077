import type { FieldError } from '../../platform/web/form.ts';
import { checkPassword } from '../agents/password-policy.ts';

/**
 * What is wrong with a password a citizen chooses (at registration or with a reset link): the
 * shared password policy, judged against the account's address and the commune's name, and the
 * confirmation typed a second time. Both errors come together so that one round trip shows all.
 */
export function newPasswordErrors(input: {
  password: string;
  confirmation: string;
  email: string;
  tenantName: string;
}): FieldError[] {
  const errors: FieldError[] = [];
  const check = checkPassword(input.password, { email: input.email, tenantName: input.tenantName });
  if (!check.ok) errors.push({ field: 'password', message: check.message });
  if (input.password !== input.confirmation) {
    errors.push({ field: 'confirmation', message: 'Les deux mots de passe ne sont pas identiques.' });
  }
  return errors;
}
