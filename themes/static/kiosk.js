// Kiosk mode (storefront/web/kiosk.go): the sign-up form of a tablet at a
// stand. Without this script the form posts as any form does; with it the
// page never leaves: each sign-up is queued on the device (localStorage,
// with its client id) and sent as JSON until the server has it, so a
// short network outage loses nothing and a retry stores nothing twice
// (the server keeps one sign-up per client id). After each sign-up the
// thank-you shows for a few seconds, then the form is empty again; a
// half-filled form left alone is emptied too. Links that would leave the
// kiosk, the context menu and the back button do nothing.
(function () {
  'use strict';
  var main = document.querySelector('main.kiosk-main');
  if (!main) {
    return;
  }
  var lang = main.dataset.lang;
  var resetMs = (Number(main.dataset.reset) || 5) * 1000;
  var idleMs = (Number(main.dataset.idle) || 90) * 1000;

  lockNavigation();
  if (main.dataset.mode === 'thanks') {
    // The thank-you page of a sign-up posted before this script ran.
    setTimeout(function () { location.replace(main.dataset.link + '?lang=' + encodeURIComponent(lang)); }, resetMs);
    return;
  }
  var form = document.getElementById('signup-form');
  if (main.dataset.mode !== 'form' || !form) {
    return;
  }
  var endpoint = main.dataset.endpoint;
  var storeKey = 'marquee.kiosk.' + endpoint;
  var formSection = form.closest('section');
  var thanks = document.getElementById('kiosk-thanks');
  var badge = document.getElementById('kiosk-waiting');
  var submit = document.getElementById('signup-submit');
  var chain = Promise.resolve();
  var retryTimer = null;
  var retryDelay = 1000;
  var lastActivity = Date.now();

  // The no-JS form carries a token the JSON route does not need.
  var csrf = form.querySelector('input[name="csrf"]');
  if (csrf) {
    csrf.disabled = true;
  }
  showWaiting(load().length);
  flushSoon(0);

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    var item = { body: bodyOf(form), at: Date.now() };
    var queue = load();
    queue.push(item);
    save(queue);
    submit.disabled = true;
    serial(function () { return sendFresh(item); });
  });

  ['input', 'change', 'pointerdown', 'keydown'].forEach(function (type) {
    document.addEventListener(type, function () { lastActivity = Date.now(); }, true);
  });
  setInterval(function () {
    if (!thanks.hidden || Date.now() - lastActivity < idleMs || !dirty()) {
      return;
    }
    emptyForm();
  }, 5000);
  window.addEventListener('online', function () { flushSoon(0); });

  // serial runs fn after every send before it: one request at a time.
  function serial(fn) {
    var p = chain.then(fn, fn);
    chain = p.catch(function () {});
    return p;
  }

  // sendFresh sends the sign-up just made while its person is still at
  // the tablet: refusals are shown on the form; a network failure keeps
  // it queued and thanks them all the same.
  function sendFresh(item) {
    return send(item.body).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        drop(item.body.client_id);
        thank();
      } else if (r.status === 410 || r.status === 404) {
        location.reload();
      } else if (r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 408) {
        drop(item.body.client_id);
        submit.disabled = false;
        return r.json().then(showErrors, function () { showErrors({}); });
      } else {
        thank();
        flushSoon(retryDelay);
      }
    }, function () {
      thank();
      flushSoon(retryDelay);
    });
  }

  // flush sends the queued sign-ups, oldest first, until one fails for
  // want of the server; a sign-up the server refuses is dropped (its
  // person has gone: nothing can fix it now).
  function flush() {
    var queue = load();
    if (queue.length === 0) {
      retryDelay = 1000;
      return Promise.resolve();
    }
    var item = queue[0];
    return send(item.body).then(function (r) {
      if (r.status === 410 || r.status === 404) {
        location.reload();
        return;
      }
      if (r.status >= 500 || r.status === 429 || r.status === 408) {
        backOff();
        return;
      }
      drop(item.body.client_id);
      retryDelay = 1000;
      return flush();
    }, backOff);
  }

  function backOff() {
    retryDelay = Math.min(retryDelay * 2, 20000);
    flushSoon(retryDelay);
  }

  function flushSoon(ms) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { serial(flush); }, ms);
  }

  function send(body) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 10000);
    return fetch(endpoint, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body), credentials: 'omit', cache: 'no-store', signal: abort.signal
    }).finally(function () { clearTimeout(timer); });
  }

  function load() {
    try {
      var q = JSON.parse(localStorage.getItem(storeKey) || '[]');
      return Array.isArray(q) ? q : [];
    } catch (e) {
      return [];
    }
  }

  function save(queue) {
    localStorage.setItem(storeKey, JSON.stringify(queue));
    showWaiting(queue.length);
  }

  function drop(clientID) {
    save(load().filter(function (i) { return i.body.client_id !== clientID; }));
  }

  function showWaiting(n) {
    badge.hidden = n === 0;
    badge.textContent = n === 0 ? '' : main.dataset.waiting.replace('{n}', String(n));
  }

  // bodyOf is the form as the JSON route takes it: the form's own inputs,
  // and the form builder's answers by key (a list for several ticks).
  function bodyOf(f) {
    var out = { client_id: '', name: '', email: '', consent: false, locale: lang, answers: {} };
    new FormData(f).forEach(function (v, k) {
      if (k === 'csrf') {
        return;
      }
      if (k === 'client_id' || k === 'name' || k === 'email') {
        out[k] = v;
      } else if (k === 'consent') {
        out.consent = true;
      } else if (Object.prototype.hasOwnProperty.call(out.answers, k)) {
        out.answers[k] = [].concat(out.answers[k], v);
      } else {
        out.answers[k] = v;
      }
    });
    return out;
  }

  function thank() {
    formSection.hidden = true;
    thanks.hidden = false;
    thanks.querySelector('h2').focus();
    setTimeout(emptyForm, resetMs);
  }

  // emptyForm makes the form ready for the next person: no values, no
  // errors, a new client id.
  function emptyForm() {
    form.reset();
    Array.prototype.forEach.call(form.querySelectorAll('input[type="text"], input[type="email"], input[type="tel"], input[type="number"], input[type="date"], textarea'), function (el) {
      el.value = '';
    });
    Array.prototype.forEach.call(form.querySelectorAll('input[type="checkbox"], input[type="radio"]'), function (el) {
      el.checked = false;
    });
    Array.prototype.forEach.call(form.querySelectorAll('select'), function (el) {
      el.selectedIndex = 0;
    });
    form.querySelector('input[name="client_id"]').value = newClientID();
    clearErrors();
    submit.disabled = false;
    thanks.hidden = true;
    formSection.hidden = false;
    window.scrollTo(0, 0);
  }

  function dirty() {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === 'hidden' || el.type === 'submit') {
        return false;
      }
      return el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value !== '';
    });
  }

  function clearErrors() {
    Array.prototype.forEach.call(document.querySelectorAll('#problems, .field p.error'), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (el) {
      el.removeAttribute('aria-invalid');
      var described = (el.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (described.length) {
        el.setAttribute('aria-describedby', described.join(' '));
      } else {
        el.removeAttribute('aria-describedby');
      }
    });
    Array.prototype.forEach.call(form.querySelectorAll('.has-error'), function (el) { el.classList.remove('has-error'); });
  }

  // showErrors shows the server's refusals as the page without this
  // script would: a summary linking to each input, the message under it.
  function showErrors(answer) {
    clearErrors();
    var fields = (answer && answer.error && answer.error.fields) || {};
    var summary = document.createElement('div');
    summary.className = 'problems error-summary';
    summary.id = 'problems';
    summary.setAttribute('role', 'alert');
    summary.tabIndex = -1;
    var list = document.createElement('ul');
    Object.keys(fields).forEach(function (name) {
      var target = document.getElementById(name);
      var href = target && form.contains(target) ? '#' + name : '#signup-submit';
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = href;
      a.textContent = fields[name];
      li.appendChild(a);
      list.appendChild(li);
      if (href === '#signup-submit') {
        return;
      }
      var p = document.createElement('p');
      p.className = 'error';
      p.id = name + '-error';
      p.textContent = fields[name];
      var field = target.closest('.field');
      field.classList.add('has-error');
      field.appendChild(p);
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', ((target.getAttribute('aria-describedby') || '') + ' ' + p.id).trim());
    });
    summary.appendChild(list);
    form.parentNode.insertBefore(summary, form);
    summary.focus();
  }

  function newClientID() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // lockNavigation keeps the visitor on the kiosk: links that leave it do
  // nothing (in-page links and the language links stay), nor do the
  // context menu, dragging, or the back button; the first touch asks for
  // full screen.
  function lockNavigation() {
    document.addEventListener('click', function (e) {
      var a = e.target.closest ? e.target.closest('a[href]') : null;
      if (!a) {
        return;
      }
      var href = a.getAttribute('href');
      var staying = href.charAt(0) === '#' || (href.charAt(0) === '?' && navigator.onLine) || a.id === 'kiosk-next';
      if (!staying) {
        e.preventDefault();
      }
    }, true);
    document.addEventListener('contextmenu', function (e) { e.preventDefault(); });
    document.addEventListener('dragstart', function (e) { e.preventDefault(); });
    history.pushState(null, '', location.href);
    window.addEventListener('popstate', function () { history.pushState(null, '', location.href); });
    document.addEventListener('pointerdown', function () {
      var root = document.documentElement;
      if (!document.fullscreenElement && root.requestFullscreen) {
        root.requestFullscreen().catch(function () {});
      }
    }, { once: true });
  }
}());
