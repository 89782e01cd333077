// Progressive enhancement of online forms: hide the questions that do not apply given the
// answers so far. Without JavaScript every question is shown, with a hint saying when to fill it.
(function () {
  var form = document.querySelector('form.demarche-form');
  if (!form) return;
  var conditional = form.querySelectorAll('[data-show-if]');
  function selectedValues(name) {
    var values = [];
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
      if (el.value) values.push(el.value);
    }
    return values;
  }
  function update() {
    for (var i = 0; i < conditional.length; i++) {
      var block = conditional[i];
      var expected = block.getAttribute('data-show-values').split('|');
      var actual = selectedValues(block.getAttribute('data-show-if'));
      var shown = actual.some(function (v) {
        return expected.indexOf(v) !== -1;
      });
      block.hidden = !shown;
    }
  }
  form.addEventListener('change', update);
  update();
})();
