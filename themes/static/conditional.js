// Conditional order-form fields: a field marked data-show-if="NAME"
// data-show-value="VALUE" is shown only while the input NAME has VALUE
// ("true"/"false" for a checkbox). Without this script every field shows
// and the server still asks only the fields whose condition holds.
(function () {
  "use strict";
  function current(form, name) {
    var inputs = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "checkbox" && inputs.length === 1) {
        values.push(input.checked ? "true" : "false");
      } else if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) values.push(input.value);
      } else {
        values.push(input.value);
      }
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (field) {
      var show = current(form, field.dataset.showIf).indexOf(field.dataset.showValue) >= 0;
      field.hidden = !show;
    });
  }
  document.querySelectorAll("form.order-form").forEach(function (form) {
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
