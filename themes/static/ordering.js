// The order form, enhanced: a running summary and total as sizes are
// tapped and quantities change, a chosen size tapped again is unchosen, and
// the error summary's links move the focus to their inputs. Without this
// script the form works the same; its button then shows a review page with
// the total before the order is placed.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The error summary (on the order form and elsewhere): focused on
  // arrival, its links focus their input and show its label or legend.
  var problems = document.getElementById("problems");
  if (problems) {
    if (document.activeElement !== problems) problems.focus();
    problems.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) return;
      var input = target.matches("input, select, textarea, button") ? target : target.querySelector("input:not([type=hidden]):not(:disabled), select, textarea");
      if (!input) return;
      e.preventDefault();
      var context = input.closest("fieldset") || input.closest(".field") || input;
      context.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  var form = document.getElementById("order-form");
  if (!form) return;

  // The running total beside the button is the review: the button places
  // the order at once.
  form.querySelectorAll("button[value=review]").forEach(function (b) { b.value = "place"; });
  var primary = document.getElementById("place-order");
  if (primary && form.dataset.place) primary.textContent = form.dataset.place;

  var money;
  try {
    money = new Intl.NumberFormat(form.dataset.lang, { style: "currency", currency: form.dataset.currency });
  } catch (err) {
    money = null;
  }
  function format(minor, free) {
    if (minor === 0 && free) return form.dataset.free;
    if (!money) return String(minor);
    return money.format(minor / Math.pow(10, money.resolvedOptions().maximumFractionDigits));
  }

  function quantityOf(line) {
    var q = line.querySelector("input[type=number]");
    var n = q ? parseInt(q.value, 10) : 0;
    return isNaN(n) || n < 0 ? 0 : n;
  }

  function update() {
    var list = document.getElementById("summary-lines");
    var total = 0;
    list.textContent = "";
    form.querySelectorAll("fieldset.line").forEach(function (line) {
      var size = line.querySelector("input[type=radio]:checked");
      var single = line.querySelector("input[type=hidden][data-price]");
      var n = quantityOf(line);
      var chosen = (size || single) && n > 0;
      line.classList.toggle("chosen", Boolean(size || (single && n > 0)));
      if (!chosen) return;
      var minor = parseInt((size || single).dataset.price, 10) * n;
      total += minor;
      var li = document.createElement("li");
      var what = document.createElement("span");
      what.className = "what";
      what.textContent = n + " × " + line.dataset.name + (size ? " (" + size.dataset.label + ")" : "");
      var amount = document.createElement("span");
      amount.className = "amount";
      amount.textContent = format(minor, true);
      li.append(what, " ", amount);
      list.append(li);
    });
    document.getElementById("summary-empty").hidden = list.children.length > 0;
    document.getElementById("order-total").textContent = format(total, list.children.length > 0);
  }

  // Quantities get a − and a + button: easier to tap than a number box.
  form.querySelectorAll(".field.quantity input[type=number]").forEach(function (q) {
    function step(by, label, text) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary step";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function () {
        var n = (parseInt(q.value, 10) || 0) + by;
        q.value = String(Math.max(0, Math.min(n, parseInt(q.max, 10) || n)));
        update();
      });
      return b;
    }
    var row = document.createElement("div");
    row.className = "stepper";
    q.replaceWith(row);
    row.append(step(-1, form.dataset.fewer, "−"), q, step(1, form.dataset.more, "+"));
  });

  // A size tapped while chosen is unchosen: the product leaves the order.
  var last = {};
  form.querySelectorAll("fieldset.line input[type=radio]:checked").forEach(function (r) { last[r.name] = r; });
  form.addEventListener("click", function (e) {
    var r = e.target;
    if (!(r instanceof HTMLInputElement) || r.type !== "radio" || !r.closest("fieldset.line")) return;
    if (last[r.name] === r) {
      r.checked = false;
      last[r.name] = null;
    } else {
      last[r.name] = r;
      var q = r.closest("fieldset.line").querySelector("input[type=number]");
      if (q && quantityOf(r.closest("fieldset.line")) === 0) q.value = "1";
    }
    update();
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
