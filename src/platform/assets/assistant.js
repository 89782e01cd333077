// The assistant as a panel on every portal page (progressive enhancement of the header's
// « Poser une question » link). It reads the assistant page's form once (its CSRF token and
// target), posts each question there with Accept: application/json, and shows the answer, its
// sources and next steps. Anything unexpected: the browser goes to the assistant's page, which
// works without JavaScript.
(function () {
  var opener = document.querySelector('a[data-assistant-open]');
  if (!opener || !window.fetch || !window.URLSearchParams) return;
  var fetch = window.fetch.bind(window);
  var URLSearchParams = window.URLSearchParams;
  // On the assistant's own pages the page itself is the assistant.
  if (document.querySelector('form[data-assistant-form]')) return;

  var pageUrl = opener.getAttribute('href');
  var panel = null;
  var log = null;
  var form = null;
  var textarea = null;
  var status = null;
  var target = null;
  var csrf = null;
  var conversation = '';
  var busy = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fallback() {
    window.location.href = pageUrl;
  }

  function build() {
    panel = el('div', 'assistant-widget');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-labelledby', 'assistant-widget-title');
    panel.hidden = true;
    var header = el('div', 'assistant-widget-header');
    var title = el('h2', 'assistant-widget-title', 'Poser une question');
    title.id = 'assistant-widget-title';
    var close = el('button', 'link-button assistant-widget-close', 'Fermer');
    close.type = 'button';
    close.addEventListener('click', hide);
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(
      el('p', 'hint', 'Les réponses viennent des pages de la mairie. N’écrivez pas d’informations personnelles.'),
    );
    log = el('div', 'assistant-widget-log');
    log.setAttribute('aria-live', 'polite');
    panel.appendChild(log);
    form = el('form', 'assistant-widget-form');
    var label = el('label', '', 'Votre question');
    label.setAttribute('for', 'assistant-widget-question');
    textarea = el('textarea');
    textarea.id = 'assistant-widget-question';
    textarea.name = 'question';
    textarea.rows = 3;
    textarea.maxLength = 2000;
    textarea.required = true;
    var submit = el('button', 'button', 'Envoyer');
    submit.type = 'submit';
    status = el('p', 'error-message');
    status.setAttribute('role', 'alert');
    status.hidden = true;
    form.appendChild(label);
    form.appendChild(textarea);
    form.appendChild(status);
    form.appendChild(submit);
    var full = el('a', 'assistant-widget-full', 'Ouvrir l’assistant en pleine page');
    full.href = pageUrl;
    form.appendChild(full);
    form.addEventListener('submit', send);
    textarea.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (form.requestSubmit) form.requestSubmit();
        else send(e);
      }
    });
    panel.appendChild(form);
    panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') hide();
    });
    document.body.appendChild(panel);
  }

  function show() {
    if (!panel) build();
    panel.hidden = false;
    opener.setAttribute('aria-expanded', 'true');
    textarea.focus();
  }

  function hide() {
    panel.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    opener.focus();
  }

  // The page's form gives the token and the target: the same ones the page posts with.
  function loadForm() {
    if (target) return Promise.resolve();
    return fetch(pageUrl, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok) throw new Error('page');
        return r.text();
      })
      .then(function (text) {
        // Read as text, not parsed into a document: the page's inline style would be refused by
        // the Content-Security-Policy (and reported) even in a detached document.
        var formTag = /<form[^>]*data-assistant-form[^>]*>/.exec(text);
        var action = formTag && /action="([^"]+)"/.exec(formTag[0]);
        var token = /name="_csrf" value="([^"]+)"/.exec(text);
        if (!action || !token) throw new Error('form');
        target = decode(action[1]);
        csrf = decode(token[1]);
      });
  }

  function decode(value) {
    var t = document.createElement('textarea');
    t.innerHTML = value;
    return t.value;
  }

  function bubble(className, who, text) {
    var item = el('div', className);
    item.appendChild(el('p', 'assistant-who', who));
    item.appendChild(el('p', 'keep-lines', text));
    log.appendChild(item);
    return item;
  }

  function links(parent, className, items, asButtons) {
    if (!items || items.length === 0) return;
    var list = el('ul', className);
    for (var i = 0; i < items.length; i++) {
      var li = el('li');
      var a = el('a', asButtons ? 'button secondary' : '', asButtons ? items[i].label : items[i].title);
      a.href = items[i].url;
      li.appendChild(a);
      list.appendChild(li);
    }
    parent.appendChild(list);
  }

  function render(answer) {
    var item = bubble(
      'assistant-answer' + (answer.declined ? ' assistant-declined' : ''),
      'Réponse de l’assistant',
      answer.answer,
    );
    if (answer.citations && answer.citations.length > 0) {
      item.appendChild(el('p', 'assistant-sources-title', answer.citations.length > 1 ? 'Sources :' : 'Source :'));
      links(item, 'assistant-sources', answer.citations, false);
    }
    links(item, 'assistant-steps', answer.next_steps, true);
    if (answer.conversation_id) conversation = answer.conversation_id;
  }

  function send(e) {
    e.preventDefault();
    var question = textarea.value.trim();
    status.hidden = true;
    if (question === '') {
      status.textContent = 'Écrivez votre question.';
      status.hidden = false;
      textarea.focus();
      return;
    }
    if (busy) return;
    busy = true;
    bubble('assistant-question', 'Votre question', question);
    var waiting = el('p', 'hint', 'L’assistant cherche dans les pages de la mairie…');
    log.appendChild(waiting);
    loadForm()
      .then(function () {
        var body = new URLSearchParams();
        body.set('_csrf', csrf);
        body.set('question', question);
        body.set('conversation', conversation);
        return fetch(target, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: body.toString(),
        });
      })
      .then(function (r) {
        return r.json().then(function (data) {
          return { ok: r.ok, data: data };
        });
      })
      .then(function (result) {
        log.removeChild(waiting);
        busy = false;
        if (!result.ok) {
          var message = result.data && result.data.error && result.data.error.message;
          if (!message) throw new Error('answer');
          log.removeChild(log.lastChild);
          status.textContent = message;
          status.hidden = false;
          textarea.focus();
          return;
        }
        render(result.data);
        textarea.value = '';
        textarea.focus();
      })
      .catch(fallback);
  }

  opener.setAttribute('aria-haspopup', 'dialog');
  opener.setAttribute('aria-expanded', 'false');
  opener.addEventListener('click', function (e) {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (panel && !panel.hidden) hide();
    else show();
  });
})();
