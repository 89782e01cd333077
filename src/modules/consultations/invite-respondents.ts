import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateTimeFr } from '../../platform/format.ts';
import { mailSignature } from '../../platform/mail-sender.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { capitalise, organisation } from '../../platform/tenant-wording.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { INVITATIONS_MAX_COUNT } from './forms.ts';
import { hashInvitationToken, newInvitationToken } from './invitation-token.ts';
import type { ConsultationRow } from './repository.ts';

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]{2,}$/;

/**
 * Invites addresses to a published consultation open to a list: each gets its own token, by mail
 * through the outbox (in this transaction: no invitation without its mail, no mail without its
 * invitation). An address already invited is skipped, so pasting the list again sends nothing
 * twice. Returns how many were invited and how many were already.
 */
export async function inviteRespondents(
  trx: Tx,
  input: {
    tenant: Tenant;
    consultation: ConsultationRow;
    addresses: string;
    /** Absolute URL of the tenant's site, for the links in the mails. */
    baseUrl: string;
  },
): Promise<FormResult<{ invited: number; already: number }>> {
  const c = input.consultation;
  const errors: FieldError[] = [];
  if (c.audience !== 'invited' || !c.published_at) {
    errors.push({
      field: 'adresses',
      message: 'Publiez d’abord la consultation ; seules celles ouvertes à une liste ont des invitations.',
    });
    return { ok: false, errors };
  }
  const addresses = [
    ...new Set(
      input.addresses
        .split(/[\s,;]+/)
        .map((a) => a.trim().toLowerCase())
        .filter((a) => a !== ''),
    ),
  ];
  const invalid = addresses.filter((a) => a.length > 254 || !EMAIL.test(a));
  if (invalid.length > 0) {
    errors.push({
      field: 'adresses',
      message: `Ces adresses ne sont pas valables : ${invalid.slice(0, 5).join(', ')}${invalid.length > 5 ? '…' : ''}. Corrigez-les ou retirez-les.`,
    });
  } else if (addresses.length > INVITATIONS_MAX_COUNT) {
    errors.push({ field: 'adresses', message: `Invitez au plus ${INVITATIONS_MAX_COUNT} adresses à la fois.` });
  }
  if (errors.length > 0) return { ok: false, errors };
  const known = new Set(
    (
      await trx
        .selectFrom('consultation_invitations')
        .select('email')
        .where('consultation_id', '=', c.id)
        .where('email', 'in', addresses)
        .execute()
    ).map((r) => r.email),
  );
  const fresh = addresses.filter((a) => !known.has(a));
  for (const email of fresh) {
    const token = newInvitationToken();
    await trx
      .insertInto('consultation_invitations')
      .values({ tenant_id: input.tenant.id, consultation_id: c.id, email, token_hash: hashInvitationToken(token) })
      .execute();
    const link = `${input.baseUrl}/consultations/${c.id}?jeton=${token}`;
    await queueMail(
      trx,
      input.tenant.id,
      renderMail({
        to: email,
        subject: `Votre avis : ${c.title}`,
        greeting: 'Bonjour,',
        blocks: [
          {
            kind: 'paragraph',
            text: `${capitalise(organisation(input.tenant))} vous invite à répondre à la consultation « ${c.title} ».`,
          },
          { kind: 'button', label: 'Répondre à la consultation', url: link },
          {
            kind: 'paragraph',
            text: `Vous pouvez répondre du ${formatDateTimeFr(c.opens_at)} au ${formatDateTimeFr(c.closes_at)}. Ce lien est personnel : il sert pour une seule réponse.`,
          },
          {
            kind: 'paragraph',
            text: c.anonymous
              ? 'Votre réponse est anonyme : elle n’est pas liée à votre adresse.'
              : 'Votre réponse est enregistrée avec votre adresse électronique.',
          },
        ],
        signature: mailSignature(input.tenant),
      }),
    );
  }
  return { ok: true, value: { invited: fresh.length, already: addresses.length - fresh.length } };
}
