// Record the type of every addEventListener call made after this point (window, document, nodes).
(function () {
  window.__listenerTypes = [];
  var orig = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type) {
    window.__listenerTypes.push(String(type));
    return orig.apply(this, arguments);
  };
  window.__onunloadBefore = window.onunload;
})();
