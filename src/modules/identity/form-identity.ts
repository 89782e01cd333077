import type { CitizenSession } from '../citizens/sessions.ts';
import type { FormState } from '../requests/form-engine/render.ts';
import type { SubmitRequestInput } from '../requests/submit-request.ts';

/**
 * What a signed-in citizen brings to an online form. Under FranceConnect, the name (and the
 * address when FranceConnect gave one) is verified: shown locked, and on submission it replaces
 * whatever the form sent. With a password account, the address is only pre-filled (editable).
 */
export function formIdentity(session: CitizenSession | null): {
  prefill: Record<string, string>;
  locked?: FormState['locked'];
  citizen?: SubmitRequestInput['citizen'];
} {
  if (!session) return { prefill: {} };
  const c = session.citizen;
  if (session.method === 'franceconnect' && c.givenName && c.familyName) {
    const values: Record<string, string> = {
      applicant_given_name: c.givenName,
      applicant_family_name: c.familyName,
    };
    if (c.email) values.applicant_email = c.email;
    return {
      prefill: {},
      locked: { values, source: 'FranceConnect' },
      citizen: {
        id: c.id,
        identitySource: 'franceconnect',
        verified: values,
        claims: {
          birthdate: c.birthdate,
          birthplace: c.birthplace,
          birthcountry: c.birthcountry,
          gender: c.gender,
          preferred_username: c.preferredUsername,
        },
      },
    };
  }
  return {
    prefill: c.email ? { applicant_email: c.email } : {},
    citizen: { id: c.id, identitySource: null, verified: {} },
  };
}
