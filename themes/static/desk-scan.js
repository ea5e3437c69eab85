// The pick-up desk's scanner. On the desk page (console_desk.html) the
// section #desk-scanner, hidden in the HTML, is shown when the browser can
// open a camera; a tap on #desk-scan-start opens the rear camera, frames are
// read with jsQR (vendor/jsqr.js, 130 KB: fetched on that first tap, not with
// the page) and the first code read goes into #desk-q and submits
// #desk-lookup, as typing would.
// Without scripts or a camera the section stays hidden and the form works
// by typing. window.marqueeDeskDecode(imageData) reads one image (tests).
(function () {
  "use strict";

  // decode returns the text of the QR code in imageData, or null.
  function decode(imageData, fast) {
    if (typeof window.jsQR !== "function" || !imageData) return null;
    var code = window.jsQR(imageData.data, imageData.width, imageData.height,
      { inversionAttempts: fast ? "dontInvert" : "attemptBoth" });
    return code && code.data ? code.data : null;
  }
  window.marqueeDeskDecode = function (imageData) { return decode(imageData, false); };

  // loadReader loads jsQR once, when it is first needed; it resolves when
  // window.jsQR is there.
  var reader = null;
  function loadReader() {
    if (typeof window.jsQR === "function") return Promise.resolve();
    if (!reader) {
      reader = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = "/static/vendor/jsqr.js";
        s.onload = function () { typeof window.jsQR === "function" ? resolve() : reject(); };
        s.onerror = function () { reader = null; reject(); };
        document.head.appendChild(s);
      });
    }
    return reader;
  }
  window.marqueeDeskReady = loadReader;

  var area = document.getElementById("desk-scanner");
  var form = document.getElementById("desk-lookup");
  var input = document.getElementById("desk-q");
  var start = document.getElementById("desk-scan-start");
  if (!area || !form || !input || !start) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof Promise !== "function") return;

  var video = area.querySelector("video");
  var status = document.getElementById("desk-scan-status");
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var maxSide = 800; // pixels read a frame: enough for a phone's code, light on the CPU
  area.hidden = false;

  function say(text) { if (status) status.textContent = text || ""; }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
  }

  function found(text) {
    stop();
    input.value = text.trim();
    say(area.dataset.found);
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function scan() {
    if (!stream) return;
    var w = video.videoWidth, h = video.videoHeight;
    if (video.readyState >= 2 && w && h) {
      var k = Math.min(1, maxSide / Math.max(w, h));
      canvas.width = Math.round(w * k);
      canvas.height = Math.round(h * k);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var text = decode(ctx.getImageData(0, 0, canvas.width, canvas.height), true);
      if (text) { found(text); return; }
    }
    window.setTimeout(scan, 120);
  }

  start.addEventListener("click", function () {
    if (stream) return;
    loadReader().then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    }).then(function (s) {
      stream = s;
      video.srcObject = s;
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () {});
      start.hidden = true;
      say(area.dataset.looking);
      scan();
    }, function () {
      say(area.dataset.noCamera);
    });
  });
  window.addEventListener("pagehide", stop);
})();
