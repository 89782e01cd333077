// Suggestions as you type in the portal's search box (combobox pattern, WAI-ARIA APG): up to
// six article titles from /recherche/suggestions under the box, chosen with the arrow keys and
// Enter, or the mouse. Without JavaScript the box is a plain search form.
/* global fetch, setTimeout, clearTimeout */
(function () {
  var forms = document.querySelectorAll('form.search-form[data-suggest]');
  for (var f = 0; f < forms.length; f++) enhance(forms[f]);

  function enhance(form) {
    var input = form.querySelector('input[name="q"]');
    if (!input) return;
    var endpoint = form.getAttribute('data-suggest');
    var list = document.createElement('ul');
    var listId = input.id + '-suggestions';
    list.id = listId;
    list.className = 'search-suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Suggestions');
    list.hidden = true;
    var status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    form.classList.add('has-suggestions');
    input.parentNode.insertBefore(list, input.nextSibling);
    form.appendChild(status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('autocomplete', 'off');
    var items = [];
    var active = -1;
    var timer = null;
    var last = '';

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function highlight(i) {
      for (var k = 0; k < items.length; k++) items[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
      active = i;
      if (i >= 0) input.setAttribute('aria-activedescendant', items[i].id);
      else input.removeAttribute('aria-activedescendant');
    }
    function show(suggestions) {
      list.textContent = '';
      items = [];
      for (var i = 0; i < suggestions.length; i++) {
        var li = document.createElement('li');
        li.id = listId + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-url', suggestions[i].url);
        li.textContent = suggestions[i].title;
        li.addEventListener('mousedown', function (event) {
          event.preventDefault();
          window.location.href = this.getAttribute('data-url');
        });
        list.appendChild(li);
        items.push(li);
      }
      status.textContent = suggestions.length === 0 ? '' : suggestions.length + ' suggestions. Flèches pour choisir.';
      if (items.length === 0) return close();
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      highlight(-1);
    }
    function load() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (q.length < 2) return show([]);
      fetch(endpoint + '?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' } })
        .then(function (r) {
          return r.ok ? r.json() : { suggestions: [] };
        })
        .then(function (body) {
          if (input.value.trim() === q) show(body.suggestions || []);
        })
        .catch(function () {
          show([]);
        });
    }
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    input.addEventListener('keydown', function (event) {
      if (list.hidden) return;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === 'Escape') {
        close();
      } else if (event.key === 'Enter' && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].getAttribute('data-url');
      }
    });
    input.addEventListener('blur', close);
  }
})();
