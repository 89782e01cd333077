import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { visibleText } from '../../../test/support/pages.ts';
import { eventTitle, timeline, type TimelineEvent } from './timeline.ts';

const at = new Date('2026-12-02T23:25:00Z');
const events: TimelineEvent[] = [
  { id: 'e1', kind: 'submitted', at, statusTo: 'recue', body: '', authorKind: 'citizen' },
  {
    id: 'e2',
    kind: 'status_changed',
    at,
    statusTo: 'en_attente_usager',
    body: 'Il manque <un> acte.',
    authorKind: 'agent',
    agentName: 'Anne Agent',
  },
  { id: 'e3', kind: 'citizen_message', at, statusTo: null, body: '', authorKind: 'citizen' },
  {
    id: 'e4',
    kind: 'internal_note',
    at,
    statusTo: null,
    body: 'À rappeler',
    authorKind: 'agent',
    agentName: 'Anne Agent',
  },
];
const documents = [{ eventId: 'e3', filename: 'acte.pdf', sizeBytes: 1_480_000, href: '/doc/1' }];

describe('timeline', () => {
  test('one title per event, spoken to the citizen or written for the agent', () => {
    assert.equal(eventTitle(events[0]!, 'citizen'), 'Demande envoyée');
    assert.equal(eventTitle(events[0]!, 'agent'), 'Demande déposée');
    assert.equal(eventTitle(events[1]!, 'citizen'), 'Nouveau statut : En attente de votre part');
    assert.equal(eventTitle(events[1]!, 'agent'), "Statut changé : En attente de l'usager");
    assert.equal(eventTitle({ ...events[2]!, body: 'Voici' }, 'citizen'), 'Votre message');
    assert.equal(eventTitle({ ...events[2]!, body: 'Voici' }, 'agent'), "Message de l'usager");
    assert.equal(eventTitle(events[2]!, 'citizen', 1), 'Document ajouté');
    assert.equal(eventTitle(events[2]!, 'agent', 2), "Documents ajoutés par l'usager");
    assert.equal(eventTitle({ ...events[1]!, kind: 'agent_message' }, 'citizen'), 'Message de la commune');
  });

  test('the citizen’s timeline: titles, « 0 h 25 », authors, escaped text, documents with their size', () => {
    const page = timeline(events.slice(0, 3), documents, 'citizen').toString();
    const text = visibleText(page);
    assert.match(page, /<ol class="timeline">/);
    assert.match(page, /<h3>Demande envoyée<\/h3>/);
    assert.match(text, /3 décembre 2026 à 0 h 25 · Vous/);
    assert.match(text, /3 décembre 2026 à 0 h 25 · La commune/);
    assert.match(page, /Il manque &lt;un&gt; acte\./);
    assert.match(page, /<a href="\/doc\/1" download>Télécharger acte\.pdf<\/a>/);
    assert.match(text, /\(1,4 Mo\)/);
    assert.doesNotMatch(text, /Anne Agent|\d:\d/);
  });

  test('the agent’s timeline names the agent and marks internal notes', () => {
    const page = timeline(events, documents, 'agent').toString();
    assert.match(visibleText(page), /3 décembre 2026 à 0 h 25 · Anne Agent/);
    assert.match(
      page,
      /<li class="note-internal">\s*<h3>Note interne – non visible par l&#39;usager<\/h3>|<li class="note-internal">\s*<h3>Note interne – non visible par l'usager<\/h3>/,
    );
    assert.match(page, /<h3>Document ajouté par l('|&#39;)usager<\/h3>/);
  });
});
