import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultSort, inboxQueryString, parseInboxQuery, queryRecord } from './inbox-query.ts';

const parse = (qs: string) => parseInboxQuery(queryRecord(qs)).query;

describe('inbox query: the order of each view', () => {
  test('the items to deal with come by nearest deadline, « toutes » by latest filed', () => {
    assert.equal(parse('').sort, 'echeance');
    assert.equal(parse('vue=toutes').sort, 'depot');
    assert.equal(defaultSort('echeance'), 'echeance');
    // A status asked for alone looks among all items, in their order.
    assert.equal(parse('statut=traitee').sort, 'depot');
  });

  test('links leave the view’s own order out, and keep an order the agent chose', () => {
    assert.equal(inboxQueryString(parse('vue=toutes')), 'vue=toutes');
    assert.equal(inboxQueryString(parse('vue=toutes&tri=echeance')), 'vue=toutes&tri=echeance');
    // From the default list to « toutes »: « toutes » takes its own order…
    assert.equal(inboxQueryString(parse(''), { view: 'toutes' }), 'vue=toutes');
    // … and back.
    assert.equal(inboxQueryString(parse('vue=toutes'), { view: 'mes' }), 'vue=mes');
    // An order chosen on one view is kept on the others.
    assert.equal(inboxQueryString(parse('tri=activite'), { view: 'toutes' }), 'vue=toutes&tri=activite');
    assert.equal(inboxQueryString(parse('vue=toutes&tri=echeance'), { view: 'mes' }), 'vue=mes');
  });

  test('an unknown order is an error, and the view’s own order is used', () => {
    const { query, errors } = parseInboxQuery(queryRecord('vue=toutes&tri=hasard'));
    assert.equal(query.sort, 'depot');
    assert.equal(errors[0]?.field, 'tri');
  });
});
