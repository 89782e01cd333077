/*
 * The waiting-room screen, enhanced: every few seconds, fetch the page again and replace the
 * last call and the list of calls, without reloading (no flash on the TV). The last call is a
 * live region: a new call is read out by screen readers. Written in ES5 for old TV browsers; if
 * the page cannot be fetched for a minute, reload it as the no-JavaScript version does.
 */
/* global setTimeout, setInterval, XMLHttpRequest, DOMParser */
(function () {
  'use strict';
  var PERIOD = 4000;
  var failures = 0;
  if (!window.XMLHttpRequest || !window.DOMParser) {
    setTimeout(function () {
      window.location.reload();
    }, 10000);
    return;
  }
  function replace(next, id, onlyIfChanged) {
    var mine = document.getElementById(id);
    var theirs = next.getElementById(id);
    if (!mine || !theirs) return;
    if (onlyIfChanged && mine.textContent === theirs.textContent) return;
    mine.innerHTML = theirs.innerHTML;
  }
  function failed() {
    failures += 1;
    if (failures * PERIOD >= 60000) window.location.reload();
  }
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', window.location.href, true);
    xhr.setRequestHeader('Accept', 'text/html');
    xhr.onload = function () {
      if (xhr.status !== 200) return failed();
      failures = 0;
      var next = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      replace(next, 'dernier-appel', true);
      replace(next, 'appels', false);
    };
    xhr.onerror = failed;
    xhr.send();
  }
  setInterval(poll, PERIOD);
})();
