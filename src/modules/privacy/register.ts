import { toCsv } from '../../platform/csv.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';
import { formDefinitionSchema, type FormDefinition } from '../catalogue/form-definition.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { dataProtectionOfficer, dpoOneLine } from './dpo.ts';
import { LEGAL_BASIS_LABELS, legalBasisFor } from './processing-catalogue.ts';

/** One processing activity of the register (RGPD art. 30.1). */
export interface ProcessingActivity {
  name: string;
  service: string;
  purposes: string[];
  legalBases: string[];
  dataCategories: string[];
  dataSubjects: string[];
  recipients: string[];
  retention: { demarche: string; months: number }[];
  securityMeasures: string[];
}

export interface ProcessingRegister {
  generatedAt: string;
  controller: { name: string; address: string | null; email: string | null; phone: string | null };
  /**
   * The data protection officer (RGPD art. 30.1.a). `declared` is false when the tenant named
   * none and the collectivité's contact stands in; `contact` is everything on one line.
   */
  dpo: { name: string; email: string | null; postalAddress: string | null; declared: boolean; contact: string };
  activities: ProcessingActivity[];
}

export const SECURITY_MEASURES = [
  'Chiffrement des échanges (HTTPS)',
  'Cloisonnement des données par collectivité dans la base (sécurité au niveau des lignes)',
  'Accès des agents limité aux demandes de leurs services',
  'Mots de passe des agents hachés (argon2id), sessions révocables à durée limitée',
  'Journal des accès aux données personnelles, non modifiable, conservé un an',
  'Anonymisation automatique des demandes à la fin de leur durée de conservation',
  'Vérification du contenu des fichiers déposés',
];

/** Categories of personal data a form collects, from its field types and names. */
export function dataCategoriesOf(form: FormDefinition | null): string[] {
  const out = new Set<string>(['Identité (nom, prénom)', 'Coordonnées (adresse électronique, téléphone)']);
  if (!form) return [...out];
  for (const f of form.sections.flatMap((s) => s.fields)) {
    const key = `${f.name} ${f.autocomplete ?? ''}`.toLowerCase();
    if (f.type === 'address') out.add('Adresse postale');
    else if (f.type === 'file') out.add('Pièces justificatives (documents déposés)');
    else if (/naissance|bday/.test(key)) out.add('Date et lieu de naissance');
    else if (/enfant/.test(key)) out.add('Informations sur les enfants (mineurs)');
    else if (f.type === 'checkbox' && f.consent) out.add('Consentements donnés');
    else if (/quotient|revenu|ressource/.test(key)) out.add('Situation économique et financière');
    else out.add('Informations propres à la demande');
  }
  return [...out];
}

/**
 * The register of processing activities, built from the tenant's catalogue: one activity per
 * service that receives requests online, plus the citizen accounts. The DPO comes from the
 * tenant's settings (`/agent/admin/protection-des-donnees`); what the catalogue cannot know
 * (transfers, subcontractors) is for the commune to complete.
 */
export async function buildRegister(trx: Tx, tenant: Tenant, now: Date): Promise<ProcessingRegister> {
  const rows = await trx
    .selectFrom('demarches as d')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'))
    .select(['d.slug', 'd.title', 'd.form', 'd.retention_months', 's.id as service_id', 's.name as service_name'])
    .where('d.kind', '=', 'demarche')
    .where('d.form', 'is not', null)
    .execute()
    .then((all) =>
      sortFr(
        sortFr(all, (r) => r.title),
        (r) => r.service_name,
      ),
    );
  const byService = new Map<string, typeof rows>();
  for (const r of rows) byService.set(r.service_id, [...(byService.get(r.service_id) ?? []), r]);

  const activities: ProcessingActivity[] = [...byService.values()].map((demarches) => {
    const service = demarches[0]!.service_name;
    const categories = new Set<string>();
    const bases = new Set<string>();
    for (const d of demarches) {
      const parsed = formDefinitionSchema.safeParse(d.form);
      for (const c of dataCategoriesOf(parsed.success ? parsed.data : null)) categories.add(c);
      const basis = legalBasisFor(d.slug);
      bases.add(`${LEGAL_BASIS_LABELS[basis.basis]}${basis.reference ? ` – ${basis.reference}` : ''} : ${d.title}`);
    }
    return {
      name: `Demandes en ligne – ${service}`,
      service,
      purposes: demarches.map((d) => `Traiter les demandes « ${d.title} » et y répondre`),
      legalBases: [...bases],
      dataCategories: [...categories],
      dataSubjects: ['Usagers qui déposent une demande', 'Personnes mentionnées dans la demande'],
      recipients: [`Agents habilités du service ${service}`, 'Administrateurs de la collectivité'],
      retention: demarches.map((d) => ({ demarche: d.title, months: d.retention_months })),
      securityMeasures: SECURITY_MEASURES,
    };
  });
  activities.push({
    name: 'Comptes usagers et espace personnel',
    service: 'Collectivité',
    purposes: ['Permettre aux usagers qui le souhaitent de suivre leurs demandes dans un espace personnel'],
    legalBases: ['Consentement (article 6.1.a du RGPD) : la création d’un compte est facultative'],
    dataCategories: [
      'Identité (nom, prénom ; date et lieu de naissance et sexe si FranceConnect)',
      'Coordonnées (adresse électronique)',
      'Données de connexion (sessions, adresse IP)',
      'Préférences de contact',
    ],
    dataSubjects: ['Usagers ayant créé un compte'],
    recipients: ['L’usager lui-même', 'Agents habilités, pour les demandes liées au compte'],
    retention: [],
    securityMeasures: SECURITY_MEASURES,
  });
  return {
    generatedAt: now.toISOString(),
    controller: {
      name: tenant.name,
      address:
        [tenant.contact.address, tenant.contact.postalCode, tenant.contact.city].filter(Boolean).join(' ') || null,
      email: tenant.contact.email ?? null,
      phone: tenant.contact.phone ?? null,
    },
    dpo: (() => {
      const dpo = dataProtectionOfficer(tenant);
      return {
        name: dpo.name,
        email: dpo.email,
        postalAddress: dpo.postalAddress?.join(', ') ?? null,
        declared: dpo.declared,
        contact: dpoOneLine(dpo),
      };
    })(),
    activities,
  };
}

/** The register as CSV (semicolon-separated, with a BOM, as French spreadsheet programs expect). */
export function registerToCsv(register: ProcessingRegister): string {
  const header = [
    'Traitement',
    'Service',
    'Finalités',
    'Bases légales',
    'Catégories de données',
    'Personnes concernées',
    'Destinataires',
    'Durées de conservation',
    'Mesures de sécurité',
    'Responsable du traitement',
    'Contact DPO',
  ];
  const lines = register.activities.map((a) => [
    a.name,
    a.service,
    a.purposes.join(' | '),
    a.legalBases.join(' | '),
    a.dataCategories.join(' | '),
    a.dataSubjects.join(' | '),
    a.recipients.join(' | '),
    a.retention.length
      ? a.retention.map((r) => `${r.demarche} : ${r.months} mois après clôture`).join(' | ')
      : 'Jusqu’à la suppression du compte',
    a.securityMeasures.join(' | '),
    register.controller.name,
    register.dpo.contact,
  ]);
  return toCsv(header, lines);
}
