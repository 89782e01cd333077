/**
 * The words of the catalogue that are not in the articles: service names and life events.
 * Kept as data so a commune can adapt them without touching the pages.
 */

export interface ServiceInfo {
  name: string;
  description: string;
}

/** The 15 service codes used by the corpus articles and the incoming requests. */
export const SERVICE_INFO: Record<string, ServiceInfo> = {
  'etat-civil': {
    name: 'État civil',
    description:
      'Actes de naissance, de mariage et de décès, livret de famille. Déclaration de naissance ou de décès, reconnaissance d’un enfant. Carte d’identité et passeport. Mariage, Pacs, changement de prénom. Légalisation de signature.',
  },
  citoyennete: {
    name: 'Accueil et citoyenneté',
    description:
      'Accueil et standard de la mairie, horaires, rendez-vous, site internet. Recensement citoyen, attestation d’accueil, certificat de résidence. Réclamations, avis, remerciements et suggestions. Aide aux démarches en ligne.',
  },
  elections: {
    name: 'Élections',
    description: 'Inscription sur les listes électorales, carte électorale, bureaux de vote et vote par procuration.',
  },
  urbanisme: {
    name: 'Urbanisme',
    description:
      'Permis de construire, de démolir ou d’aménager, déclaration préalable de travaux, certificat d’urbanisme, plan local d’urbanisme (PLU), contrôle des chantiers et des constructions.',
  },
  'enfance-scolaire': {
    name: 'Enfance et école',
    description:
      'Crèche et petite enfance, inscription à l’école, cantine, accueil avant et après l’école (périscolaire, garderie), centre de loisirs, portail famille et factures.',
  },
  'social-ccas': {
    name: 'Action sociale (CCAS)',
    description:
      'Aides du centre communal d’action sociale, aide alimentaire, domiciliation. Personnes âgées, handicap, maintien à domicile. Personnes en difficulté ou en danger : violences, hébergement d’urgence.',
  },
  logement: {
    name: 'Logement',
    description:
      'Demande de logement social, relations avec les bailleurs et les propriétaires, logement insalubre ou dégradé, conseils aux locataires.',
  },
  'voirie-proprete': {
    name: 'Voirie et propreté',
    description:
      'Rues, chaussée, trottoirs, éclairage public, signalisation, ralentisseurs et travaux de voirie. Propreté des rues, nettoyage, tags, dépôts sauvages. Parcs, squares, espaces verts et arbres. Signaler un problème ou occuper la voie publique.',
  },
  'environnement-dechets': {
    name: 'Environnement et déchets',
    description:
      'Collecte des ordures ménagères et du tri (bacs, poubelles), encombrants, déchèterie, compostage, déchets verts et tri des déchets.',
  },
  'police-municipale': {
    name: 'Police municipale',
    description:
      'Tranquillité publique, bruit et troubles de voisinage, animaux dangereux ou errants, stationnement gênant, circulation, fourrière et objets trouvés.',
  },
  cimetiere: {
    name: 'Cimetière',
    description: 'Concessions funéraires, inhumations, entretien des tombes et des allées du cimetière.',
  },
  'associations-vie-locale': {
    name: 'Associations et vie locale',
    description:
      'Créer une association, subventions aux associations, location de salles municipales, prêt de matériel, fêtes et vie des quartiers.',
  },
  'fiscalite-locale': {
    name: 'Impôts locaux',
    description: 'Taxe foncière, taxe d’enlèvement des ordures ménagères et autres impôts locaux.',
  },
  'emploi-economie': {
    name: 'Emploi et commerce',
    description:
      'Emplois à la mairie : offres, candidatures, stages et jobs d’été. Commerces, artisans et entreprises de la commune : marchés et emplacements, installation et création d’entreprise.',
  },
  'sport-culture': {
    name: 'Sport et culture',
    description:
      'Équipements sportifs (gymnases, stades, piscine municipale) et clubs de sport. Médiathèque, conservatoire de musique et de danse, spectacles et activités culturelles.',
  },
};

/** Name shown for a code we do not know (a commune may add services): the code, readable. */
export function serviceInfo(code: string): ServiceInfo {
  const known = SERVICE_INFO[code];
  if (known) return known;
  const name = code.replace(/-/g, ' ');
  return { name: name.charAt(0).toUpperCase() + name.slice(1), description: '' };
}

export interface LifeEvent {
  slug: string;
  label: string;
  description: string;
}

/** Life events, in the order shown on the home page. */
export const LIFE_EVENTS: LifeEvent[] = [
  {
    slug: 'je-demenage',
    label: 'Je déménage',
    description: 'Les démarches à faire quand vous arrivez ou changez d’adresse.',
  },
  {
    slug: 'naissance',
    label: 'Naissance',
    description: 'Déclarer une naissance, reconnaître un enfant, obtenir des actes.',
  },
  { slug: 'perte-d-un-proche', label: 'Perte d’un proche', description: 'Les démarches après un décès.' },
  {
    slug: 'mariage-pacs',
    label: 'Mariage et Pacs',
    description: 'Se marier, se pacser, obtenir le livret de famille.',
  },
  { slug: 'enfance-scolarite', label: 'Enfance et école', description: 'Crèche, école, cantine et garderie.' },
  { slug: 'logement', label: 'Logement', description: 'Trouver un logement et gérer les impôts locaux.' },
  {
    slug: 'elections-citoyennete',
    label: 'Élections et citoyenneté',
    description: 'Voter, se faire recenser, obtenir ses papiers d’identité.',
  },
  {
    slug: 'travaux-urbanisme',
    label: 'Travaux et urbanisme',
    description: 'Construire, agrandir ou modifier votre maison.',
  },
  { slug: 'cadre-de-vie', label: 'Cadre de vie', description: 'Propreté, déchets, bruit et voirie.' },
  { slug: 'vie-associative', label: 'Vie associative', description: 'Louer une salle, demander une subvention.' },
  { slug: 'solidarite', label: 'Solidarité', description: 'Aides sociales et accompagnement.' },
  {
    slug: 'papiers-identite',
    label: 'Papiers d’identité',
    description: 'Carte d’identité, passeport, certificats et actes.',
  },
];

/** Which life events each article belongs to (by article slug). Articles not listed have none. */
export const LIFE_EVENTS_BY_ARTICLE: Record<string, string[]> = {
  'acte-deces': ['perte-d-un-proche'],
  'acte-naissance-mariage': ['naissance', 'mariage-pacs', 'papiers-identite'],
  'aide-ccas': ['solidarite'],
  'aide-demarches-en-ligne': ['solidarite'],
  'attestation-accueil': ['elections-citoyennete'],
  'bruit-voisinage': ['cadre-de-vie'],
  'cantine-periscolaire': ['enfance-scolarite'],
  'carte-identite': ['papiers-identite', 'elections-citoyennete'],
  'certificat-residence': ['je-demenage', 'papiers-identite'],
  'certificat-urbanisme': ['travaux-urbanisme'],
  'changement-prenom': ['papiers-identite'],
  composteur: ['cadre-de-vie'],
  'concession-funeraire': ['perte-d-un-proche'],
  creche: ['naissance', 'enfance-scolarite'],
  'deces-demarches': ['perte-d-un-proche'],
  'declaration-prealable': ['travaux-urbanisme'],
  domiciliation: ['solidarite', 'logement'],
  'donner-avis': ['cadre-de-vie'],
  encombrants: ['je-demenage', 'cadre-de-vie'],
  fourriere: ['cadre-de-vie'],
  'inscription-listes-electorales': ['je-demenage', 'elections-citoyennete'],
  'inscription-scolaire': ['je-demenage', 'enfance-scolarite'],
  'livret-famille': ['naissance', 'mariage-pacs'],
  'location-salle': ['vie-associative', 'mariage-pacs'],
  'logement-social': ['logement', 'solidarite', 'je-demenage'],
  mariage: ['mariage-pacs'],
  'objets-trouves': ['cadre-de-vie'],
  'occupation-domaine-public': ['je-demenage', 'travaux-urbanisme'],
  pacs: ['mariage-pacs'],
  passeport: ['papiers-identite'],
  'permis-construire': ['travaux-urbanisme'],
  'pre-demande-ants': ['papiers-identite'],
  'procuration-vote': ['elections-citoyennete'],
  'recensement-citoyen': ['elections-citoyennete'],
  'reconnaissance-anticipee': ['naissance'],
  'signaler-probleme-voirie': ['cadre-de-vie'],
  'subvention-association': ['vie-associative'],
  'taxe-fonciere': ['logement'],
};

/** French words for the channels of the front matter. */
export const CHANNEL_LABELS: Record<string, string> = {
  'en-ligne': 'en ligne',
  guichet: 'au guichet',
  'rendez-vous': 'sur rendez-vous',
  telephone: 'par téléphone',
  courrier: 'par courrier',
  email: 'par courriel',
  assistant: 'par l’assistant du site',
};
