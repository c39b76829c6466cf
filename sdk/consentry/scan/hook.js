// Injected by `consentry scan` before any page script (CDP Page.addScriptToEvaluateOnNewDocument).
// It only observes: every document.cookie write still goes through unchanged, and the name of the
// cookie plus the first script URL on the call stack are kept (at most 500) so the report can say
// which script set a cookie. Nothing is sent anywhere; the scanner reads the list after the load.
(function () {
  var desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (!desc || !desc.set || window.__consentryScanCookies) { return; }
  var log = [];
  Object.defineProperty(window, '__consentryScanCookies', {value: log, enumerable: false});
  var frame = /(https?:\/\/[^\s()]+?):\d+:\d+\)?\s*$/;
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    enumerable: desc.enumerable,
    get: function () { return desc.get.call(this); },
    set: function (value) {
      try {
        if (log.length < 500) {
          var lines = String(new Error().stack || '').split('\n'), script = null;
          for (var i = 1; i < lines.length && !script; i++) {
            var m = frame.exec(lines[i]);
            if (m) { script = m[1]; }
          }
          log.push({name: String(value).split(';')[0].split('=')[0].trim(), script: script});
        }
      } catch (e) { /* observing must never break the page */ }
      desc.set.call(this, value);
    }
  });
})();
