import type { Tenant } from '../tenants/tenant.ts';

/** What the person can do after the answer, each a link. */
export interface NextStep {
  kind: 'online' | 'appointment' | 'call' | 'handoff' | 'catalogue' | 'contact';
  label: string;
  url: string;
}

export interface NextStepLinks {
  /** Prefix of the portal's links: '' or '/t/<slug>', or an absolute origin for the API. */
  base: string;
  /** The hand-off form of this conversation; null where there is none (API, agents). */
  handoffUrl: string | null;
}

/**
 * From the article the answer came from: « Faire la démarche en ligne » when it has a form,
 * « Prendre rendez-vous » when it is done by appointment (its booking pages when it is booked
 * online, the contact page otherwise), « Appeler la mairie » when the tenant has a phone number, and always « Parler à une
 * personne » (the hand-off). Without an article (the assistant did not know): a person, the
 * phone, the catalogue.
 */
export function nextSteps(
  tenant: Pick<Tenant, 'contact'>,
  article: { slug: string; form: unknown; channels: string[]; kind: string; bookable?: boolean } | null,
  links: NextStepLinks,
): NextStep[] {
  const steps: NextStep[] = [];
  if (article?.form && article.kind === 'demarche') {
    steps.push({
      kind: 'online',
      label: 'Faire la démarche en ligne',
      url: `${links.base}/demarches/${article.slug}/demande`,
    });
  }
  if (article?.bookable) {
    steps.push({ kind: 'appointment', label: 'Prendre rendez-vous', url: `${links.base}/rendez-vous/${article.slug}` });
  } else if (article?.channels.includes('rendez-vous')) {
    steps.push({ kind: 'appointment', label: 'Prendre rendez-vous', url: `${links.base}/contact` });
  }
  const phone = tenant.contact.phone;
  if (phone)
    steps.push({ kind: 'call', label: `Appeler la mairie (${phone})`, url: `tel:${phone.replace(/[^\d+]/g, '')}` });
  if (links.handoffUrl) steps.push({ kind: 'handoff', label: 'Parler à une personne', url: links.handoffUrl });
  else steps.push({ kind: 'contact', label: 'Parler à une personne', url: `${links.base}/contact` });
  if (!article) steps.push({ kind: 'catalogue', label: 'Voir toutes les démarches', url: `${links.base}/demarches` });
  return steps;
}
