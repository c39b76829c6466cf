// The document built-ins the Python shell reads, taken once from the prototypes before any
// other line of the SDK file runs (contract: page markup can't break it). A named element
// (<img name="cookie">, <form name="querySelectorAll">) shadows a property of `document`: the
// named properties live on the document object itself, never on its prototypes, so nothing here
// trusts a named lookup. The loader makes this object the shell's `browser.document`.
// docs/security.md lists this surface; the hostile suite clobbers each member.
var __consentryDom = (function (document) {
  'use strict';
  var getPrototypeOf = Object.getPrototypeOf;
  var describe = Object.getOwnPropertyDescriptor;

  function builtin(name) {
    for (var proto = getPrototypeOf(document); proto; proto = getPrototypeOf(proto)) {
      var d = describe(proto, name);
      if (d) { return d; }
    }
    throw new Error('[consentry] the browser has no document.' + name);
  }
  function reader(name) {
    var get = builtin(name).get;
    return function () { return get.call(document); };
  }
  function method(name) {
    var fn = builtin(name).value;
    return function () { return fn.apply(document, arguments); };
  }
  var cookie = builtin('cookie');
  var doc = {
    // The `document` of the Python shell (Brython's browser.document is replaced by this).
    querySelector: method('querySelector'),
    querySelectorAll: method('querySelectorAll'),
    createElement: method('createElement'),
    addEventListener: method('addEventListener')
  };
  var READERS = ['documentElement', 'body', 'readyState', 'visibilityState', 'activeElement'];
  for (var i = 0; i < READERS.length; i++) {
    Object.defineProperty(doc, READERS[i], {get: reader(READERS[i]), enumerable: true});
  }
  Object.defineProperty(doc, 'cookie', {
    get: function () { return cookie.get.call(document); },
    set: function (value) { cookie.set.call(document, value); },
    enumerable: true
  });

  return {document: doc};
})(document);
