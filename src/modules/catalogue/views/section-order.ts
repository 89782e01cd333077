/** Sections after "En bref", in this order; any other section follows. */
export const SECTION_ORDER: { key: string; title: string }[] = [
  { key: 'qui-est-concerne', title: 'Qui est concerné' },
  { key: 'ce-qu-il-faut-preparer', title: 'Ce qu’il faut préparer' },
  { key: 'comment-faire', title: 'Comment faire' },
  { key: 'delai-et-cout', title: 'Délai et coût' },
  { key: 'erreurs-frequentes-a-eviter', title: 'Erreurs fréquentes à éviter' },
  { key: 'besoin-d-aide', title: 'Besoin d’aide ?' },
];
