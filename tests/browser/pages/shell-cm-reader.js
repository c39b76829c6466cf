// A "tag" later in <head>: copy what dataLayer holds at the moment it runs.
(function () {
  var key = document.currentScript.getAttribute('data-key');
  var dl = window.dataLayer || [];
  window.__seen = window.__seen || {};
  window.__seen[key] = {
    length: dl.length,
    entries: Array.prototype.map.call(dl, function (e) { return Array.prototype.slice.call(e); }),
    isArguments: dl.length ? Object.prototype.toString.call(dl[0]) === '[object Arguments]' : null
  };
})();
