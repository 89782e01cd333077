// Progressive enhancement of the readability panel (platform/plain-language/readability-hint.ts):
// a textarea carrying data-readability="<panel id>" and data-readability-url asks the agents'
// endpoint for the panel after a pause in typing, and a polite live region says what changed in
// one sentence. Without JavaScript the panel is shown when the form comes back (« Relire »).
(function () {
  if (window.guichetReadability) return;
  window.guichetReadability = true;
  var PAUSE_MS = 800;
  var MAX_CHARS = 50000;

  function wire(area) {
    var panel = document.getElementById(area.getAttribute('data-readability'));
    var endpoint = area.getAttribute('data-readability-url');
    var form = area.form;
    var csrf = form && form.querySelector('input[name="_csrf"]');
    if (!panel || !endpoint || !csrf) return;
    var live = document.createElement('p');
    live.className = 'visually-hidden';
    live.setAttribute('role', 'status');
    panel.parentNode.insertBefore(live, panel.nextSibling);
    var timer = null;
    var sent = area.value;
    var pending = null;

    function describe(on) {
      var ids = (area.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (id) {
        return id && id !== panel.id;
      });
      if (on) ids.push(panel.id);
      if (ids.length) area.setAttribute('aria-describedby', ids.join(' '));
      else area.removeAttribute('aria-describedby');
    }

    function check() {
      var text = area.value;
      if (text === sent || text.length > MAX_CHARS) return;
      sent = text;
      if (pending) pending.abort();
      pending = window.AbortController ? new window.AbortController() : null;
      window
        .fetch(endpoint, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ _csrf: csrf.value, texte: text }),
          signal: pending ? pending.signal : undefined,
        })
        .then(function (response) {
          var type = response.headers.get('content-type') || '';
          if (!response.ok || type.indexOf('application/json') !== 0) return null;
          return response.json();
        })
        .then(function (data) {
          if (!data || typeof data.html !== 'string') return;
          // The server escaped every piece of the text: the markup is its own.
          panel.innerHTML = data.html;
          panel.hidden = data.html === '';
          describe(data.html !== '');
          live.textContent = data.announcement || '';
        })
        .catch(function () {
          // Offline or aborted: the panel stays as it was; « Relire » still works.
        });
    }

    area.addEventListener('input', function () {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(check, PAUSE_MS);
    });
  }

  var areas = document.querySelectorAll('textarea[data-readability]');
  for (var i = 0; i < areas.length; i++) wire(areas[i]);
})();
