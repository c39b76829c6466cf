// The end of the SDK file (stage 2): hand the start function to the first stage, which owns the
// API object, the queue and the gate. Read as an own property: page markup cannot shadow it.
var __consentryApi = Object.getOwnPropertyDescriptor(window, 'Consentry');
__consentryApi = __consentryApi && __consentryApi.value;
if (__consentryApi && typeof __consentryApi.__attach === 'function') {
  __consentryApi.__attach(function (host) {
    return __consentryStart(host, {config: /*@CONFIG@*/null, css: /*@CSS@*/'', version: /*@VERSION@*/''});
  }, /*@TESTHOOK2@*/null);
} else {
  window.console.error('[consentry] the SDK file is started by consentry.js: include that script instead');
}
