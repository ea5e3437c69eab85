// The branding editor's colours, as progressive enhancement: the picker and the hex field follow
// each other, and the contrast verdicts and the live preview follow both while a colour is picked.
// Without this script the server reads whichever input was changed and shows the same verdicts.
(function () {
  var form = document.getElementById('branding-form');
  if (!form) return;
  var frame = document.querySelector('.preview-frame');
  function hex(v) {
    v = (v || '').trim().toLowerCase().replace(/^#/, '');
    if (/^[0-9a-f]{3}$/.test(v)) v = v.replace(/(.)/g, '$1$1');
    return /^[0-9a-f]{6}$/.test(v) ? '#' + v : null;
  }
  // WCAG 2.x relative luminance and contrast ratio, as branding.ContrastRatio computes them.
  function luminance(h) {
    var weights = [0.2126, 0.7152, 0.0722], y = 0;
    for (var i = 0; i < 3; i++) {
      var c = parseInt(h.substr(1 + 2 * i, 2), 16) / 255;
      y += weights[i] * (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    }
    return y;
  }
  function ratio(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function colour(name) { return hex(form.elements[name + '_hex'].value); }
  function update() {
    form.querySelectorAll('.contrast-verdict').forEach(function (p) {
      var fg = colour(p.id.replace(/-verdict$/, '')), bg = colour(p.dataset.against), out = p.querySelector('strong');
      if (!fg || !bg) { out.textContent = ''; p.className = 'contrast-verdict'; return; }
      var r = ratio(fg, bg), pass = r >= 4.5;
      out.textContent = (pass ? p.dataset.ok : p.dataset.low).replace('{ratio}', (Math.floor(r * 10) / 10).toFixed(1));
      p.className = 'contrast-verdict ' + (pass ? 'pass' : 'fail');
    });
    var doc = frame && frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    ['primary', 'accent', 'background', 'text'].forEach(function (name) {
      var c = colour('color_' + name);
      if (c) doc.documentElement.style.setProperty('--' + name, c);
    });
  }
  form.querySelectorAll('.colour-field').forEach(function (field) {
    var picker = field.querySelector('input[type=color]'), text = field.querySelector('input.hex');
    picker.addEventListener('input', function () { text.value = picker.value; update(); });
    text.addEventListener('input', function () { var h = hex(text.value); if (h) picker.value = h; update(); });
  });
  if (frame) frame.addEventListener('load', update);
})();
