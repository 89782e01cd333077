import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { family, fold, stem, tokenize } from './analyser.ts';
import { ArticleIndex, MAX_EXPANSIONS_PER_TERM, type ArticleDocument } from './search-index.ts';

function doc(slug: string, title: string, keywords: string[], body = ''): ArticleDocument {
  return {
    slug,
    title,
    kind: 'demarche',
    audience: 'public',
    serviceSlug: null,
    serviceName: '',
    keywords,
    summary: '',
    body,
  };
}

const index = new ArticleIndex([
  doc('etat-civil', "Demander un acte d'état civil", ['acte de naissance', 'état civil']),
  doc('rdv', 'Prendre rendez-vous en mairie', ['rendez-vous', 'horaires']),
  doc('ecole', "S'inscrire à l'école", ['inscription scolaire'], 'Les inscriptions se font en mairie.'),
  doc('cni', "Faire sa carte d'identité", ['pièce d’identité']),
  doc('bruit', 'Bruit de voisinage', ['tapage nocturne']),
]);

describe('the French analyser', () => {
  test('accents, ligatures and typographic apostrophes are folded', () => {
    assert.equal(fold('Œuvre À Noël’s'), "oeuvre a noel's");
  });

  test('elisions are removed and compounds split with their joined form kept', () => {
    const words = tokenize("l'état-civil et le rendez-vous d’aujourd'hui").map((t) => t.word);
    assert.ok(words.includes('etat') && words.includes('civil') && words.includes('etatcivil'));
    assert.ok(words.includes('rendez') && words.includes('rendezvous'));
    assert.ok(!words.includes('l') && !words.includes('le'), 'elided articles and stop words are dropped');
  });

  test('one family meets even when Snowball gives different stems', () => {
    const keys = ['inscription', 'inscrire', 'inscrit'].map((w) => family(stem(w)));
    assert.equal(new Set(keys).size, 1, keys.join(','));
    assert.equal(index.search('inscrit école').results[0]?.doc.slug, 'ecole');
  });

  test('accents forgotten, glued elisions and typos still find the article', () => {
    assert.equal(index.search('etat civil').results[0]?.doc.slug, 'etat-civil');
    assert.equal(index.search('carte didentite').results[0]?.doc.slug, 'cni');
    assert.equal(index.search('tapage nocturen').results[0]?.doc.slug, 'bruit');
  });

  test('synonyms expand both ways and a term with 1,000 expansions stays cheap', () => {
    const synonyms = [{ term: 'RDV', expansions: ['rendez-vous'] }];
    assert.equal(index.search('RDV', { synonyms }).results[0]?.doc.slug, 'rdv');
    const huge = [{ term: 'papier', expansions: Array.from({ length: 1000 }, (_, i) => `mot${i} identité`) }];
    const started = process.hrtime.bigint();
    const found = index.search('papier', { synonyms: huge });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 50, `${ms} ms`);
    assert.ok(index.explain('papier', huge).every((c) => c.alternatives.length <= MAX_EXPANSIONS_PER_TERM));
    assert.ok(found.results.length <= 10);
  });

  test('stop words only, and a question in another language, are not answered', () => {
    const stop = index.search('le la les de du pour avec');
    assert.equal(stop.results.length, 0);
    assert.equal(stop.answerable, false);
    const english = index.search('What is the weather like in London tomorrow?');
    assert.equal(english.answerable, false);
  });
});
