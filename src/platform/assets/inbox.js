// Progressive enhancement of the agents' inbox: a « Tout sélectionner » box for the rows of the
// page. Without JavaScript each row is ticked by hand. The filters stay as the server sent them:
// open only while a filter is on, so the list starts high on the screen.
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
})();
