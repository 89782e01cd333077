import type { CitizenSession, SessionCitizen } from '../citizens/sessions.ts';
import type { FormDefinition } from '../catalogue/form-definition.ts';
import { lockedAnswers, type IdentityClaims } from '../requests/form-engine/claims.ts';
import type { FormState } from '../requests/form-engine/render.ts';
import type { SubmitRequestInput } from '../requests/submit-request.ts';

/** The citizen's identity claims as recorded on their account. */
export function claimsOf(c: SessionCitizen): IdentityClaims {
  return {
    given_name: c.givenName,
    family_name: c.familyName,
    preferred_username: c.preferredUsername,
    birthdate: c.birthdate,
    birthplace: c.birthplace,
    birthcountry: c.birthcountry,
    gender: c.gender,
    email: c.email,
  };
}

/**
 * What a signed-in citizen brings to an online form. Under FranceConnect, every field that
 * declares a claim FranceConnect gave is verified: shown locked, and on submission the verified
 * value replaces whatever the form sent (submitRequest). A claim FranceConnect did not give
 * leaves its field editable. With a password account, the profile only pre-fills the same
 * fields (editable, not marked verified).
 */
export function formIdentity(
  session: CitizenSession | null,
  definition: FormDefinition,
): {
  prefill: Record<string, string>;
  locked?: FormState['locked'];
  citizen?: SubmitRequestInput['citizen'];
} {
  if (!session) return { prefill: {} };
  const c = session.citizen;
  const claims = claimsOf(c);
  if (session.method === 'franceconnect' && c.franceconnectSub && c.givenName && c.familyName) {
    return {
      prefill: {},
      locked: { values: lockedAnswers(definition, claims), source: 'FranceConnect' },
      citizen: {
        id: c.id,
        identitySource: 'franceconnect',
        verifiedClaims: claims,
        verifiedAt: c.identityVerifiedAt,
      },
    };
  }
  return {
    prefill: lockedAnswers(definition, claims),
    citizen: { id: c.id, identitySource: null, verifiedClaims: null, verifiedAt: null },
  };
}
