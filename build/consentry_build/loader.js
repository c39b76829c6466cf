// AOT loader: create every SDK module, run their pre-translated code in the build's
// topological order (lazy modules on first use, see deferred()), then start the shell.
// Brython's import machinery then finds every module in $B.imported, so no finder, XHR or
// code evaluation ever runs. Generated code reads the runtime from the bundle-scoped variable
// __BRYTHON__ (never from a global).
//
// Three steps, which stage2.js runs as three tasks in the two-file build, so that the page's
// own work (input, rendering) runs between them instead of waiting for one long task:
//   __consentryBoot()                    the runtime and the module objects (Brython's object
//                                        model: the largest step, one task whatever we do)
//   boot.runModules()                    the modules' code
//   __consentryStart(host, data, boot)   the shell: Core, its state and the banner
// `host` comes from the first stage (stage1.js); `data` is this file's built-in configuration,
// CSS and version. A step that throws leaves the SDK unstarted (the first stage rejects `ready`).
function __consentryReport(err, $B) {
  try { $B.show_error(err); } catch (e) { window.console.error('[consentry]', err); }
}
function __consentryBoot() {
  function parentOf(name) { var at = name.lastIndexOf('.'); return at < 0 ? '' : name.slice(0, at); }
  var $B = __BRYTHON__ = __consentryRuntime();
  var _b_ = $B.builtins;
  $B.$options = $B.$options || {};
  // The shell's `from browser import document` is dom.js's document: built-ins from the
  // prototypes, so page markup cannot shadow what the SDK reads (Brython's own wrapper would
  // read every attribute by a named lookup on the document).
  $B.module_setattr($B.imported.browser, 'document', $B.jsobj2pyobj(__consentryDom.document));
  var table = __consentryModules();
  var i, entry, mod, name, parent;
  var executed = [];         // module names in the order their code ran (test builds show it)
  function run(entry) {
    try {
      entry[3]($B);
    } catch (err) {
      __consentryReport(err, $B);
      throw new Error('[consentry] module ' + entry[0] + ' failed to load');
    }
    executed.push(entry[0]);
  }
  // A lazy module (entry[4]) is registered like the others, but its code runs on the first
  // lookup of a name it defines: a module-level __getattr__ (PEP 562, which Brython's module
  // type honours) runs it, removes itself and answers. Importing the module object itself
  // (`from ..engine import config`) does not run it.
  function deferred(entry, mod) {
    return function (attr) {
      _b_.dict.$delitem($B.get_dict(mod), '__getattr__');
      run(entry);
      return $B.$getattr(mod, attr);
    };
  }
  for (i = 0; i < table.length; i++) {
    entry = table[i];
    name = entry[0];
    mod = $B.module.$factory(name, _b_.None);
    mod.$is_package = entry[1];
    $B.module_setattr(mod, '__file__', entry[2]);
    $B.module_setattr(mod, '__package__', entry[1] ? name : parentOf(name));
    if (entry[1]) { $B.module_setattr(mod, '__path__', $B.$list([entry[2]])); }
    if (entry[4]) { $B.module_setattr(mod, '__getattr__', deferred(entry, mod)); }
    $B.imported[name] = mod;
    parent = parentOf(name);
    if (parent) { $B.module_setattr($B.imported[parent], name.slice(parent.length + 1), mod); }
  }
  return {$B: $B, executed: executed, runModules: function () {
    for (var k = 0; k < table.length; k++) {
      if (!table[k][4]) { run(table[k]); }
    }
  }};
}
function __consentryStart(host, data, boot) {
  var $B = boot.$B;
  var _b_ = $B.builtins;
  // Data crosses the bridge as plain JSON-shaped values, converted here in one place.
  // JSON.parse makes "__proto__" an ordinary own key, but Brython's dict would store it as a
  // prototype: such keys are renamed, so the validator reports them like any unknown key.
  function ownKeysOnly(v) {
    var i, k, out;
    if (Array.isArray(v)) {
      for (i = 0; i < v.length; i++) { v[i] = ownKeysOnly(v[i]); }
    } else if (v !== null && typeof v === 'object') {
      out = {};
      for (k in v) { out[k === '__proto__' ? '[__proto__]' : k] = ownKeysOnly(v[k]); }
      return out;
    }
    return v;
  }
  host.parse_json = function (text) {
    try { return $B.structuredclone2pyobj(ownKeysOnly(JSON.parse(String(text)))); } catch (e) { return _b_.None; }
  };
  host.to_json = function (value) { return JSON.stringify($B.pyobj2structuredclone(value)); };
  // Every state the SDK computes goes to the first stage's gate as plain JS values.
  host.set_state = function (known, state) {
    host.gate_state($B.pyobj2structuredclone(known), $B.pyobj2structuredclone(state));
  };
  host.builtinConfig = data.config;
  host.css = data.css;
  host.version = data.version;
  // A new consent id: 16 random bytes (crypto.getRandomValues, never Math.random) as base64url.
  // Here rather than in Python because it sits on the click path of a first choice.
  var ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  host.random_id = function () {
    var bytes = crypto.getRandomValues(new Uint8Array(16)), out = '';
    for (var k = 0; k < 16; k++) { out += ID_ALPHABET[bytes[k] & 63]; }
    return out;
  };
  var main = $B.imported['consentry.shell.main'];
  var builtin = $B.structuredclone2pyobj(host.builtinConfig);
  return {$B: $B, core: $B.$call($B.$getattr(main, 'start'), host, builtin), executed: boot.executed};
}
