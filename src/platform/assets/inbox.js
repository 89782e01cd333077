// Progressive enhancement of the agents' inbox: a « Tout sélectionner » box for the rows of the
// page, and the filters unfolded on a wide screen. Without JavaScript each row is ticked by hand
// and the filters open with their summary.
(function () {
  var form = document.querySelector('form.inbox-selection');
  var header = form && form.querySelector('thead td.select');
  if (header) {
    var boxes = form.querySelectorAll('tbody input[name="selection"]');
    var all = document.createElement('input');
    all.type = 'checkbox';
    all.id = 'select-all';
    var label = document.createElement('label');
    label.htmlFor = 'select-all';
    label.className = 'visually-hidden';
    label.textContent = 'Tout sélectionner sur cette page';
    header.textContent = '';
    header.appendChild(all);
    header.appendChild(label);
    all.addEventListener('change', function () {
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    });
  }
  var filters = document.querySelector('details.filter-panel');
  if (filters && window.matchMedia && window.matchMedia('(min-width: 64rem)').matches) filters.open = true;
})();
