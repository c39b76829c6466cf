"""Brython's own Python→JS translator, run at build time inside embedded V8 (mini-racer).

Using Brython's translator (not a re-implementation) guarantees the generated code matches the
runtime it runs on. The stock brython.js (with its compiler chain) is loaded into V8 with a few
shims for the browser objects it touches at start-up; no Node is needed.
"""

import json

from py_mini_racer import MiniRacer

from . import runtime
from .errors import BuildError

# Just enough of a browser for brython.js to initialise.
_SHIM = r"""
var globalThis = this, self = this, window = this;
this.document = {getElementsByTagName: function(){ return [{src: "http://localhost/brython.js"}]; },
  currentScript: {src: "http://localhost/brython.js"}, querySelectorAll: function(){ return []; },
  documentElement: {}, addEventListener: function(){}, dispatchEvent: function(){}};
this.navigator = {userAgent: "consentry-build", language: "en"};
this.console = {log: function(){}, warn: function(){}, error: function(){}, info: function(){},
                debug: function(){}};
this.location = {href: "http://localhost/", origin: "http://localhost", pathname: "/"};
this.addEventListener = function(){};
this.setTimeout = function(){}; this.clearTimeout = function(){};
this.URL = function(u){
  var m = /^(\w+):\/\/([^\/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(String(u));
  if(!m){ throw new TypeError("invalid URL"); }
  this.protocol = m[1] + ":"; this.host = m[2]; this.pathname = m[3] || "/";
  this.search = m[4] || ""; this.hash = m[5] || ""; this.href = String(u);
  this.origin = m[1] + "://" + m[2];
};
"""

# Generated names embed a counter that Brython seeds randomly; make it resettable so that the
# same source always translates to the same bytes (reproducible builds).
_TRANSLATOR_PATCHES = [
    ("resettable name counter", "var uuid=Math.floor(Math.random()*1000000)",
     "var uuid=0;$B.$consentry_reset_ids=function(){uuid=0}"),
    # A dict literal's string keys carry a precomputed hash (~16 incompressible digits each,
    # ~2 KB gzip over the bundle) that the runtime never needs: a dict keeps string keys as
    # plain properties, and dict.$setitem hashes a key itself when no hash is given.
    ("no hashes for string keys of dict literals",
     "if(typeof v=='string'){item+=', '+$B.$hash(string_from_ast_value(v))}else{",
     "if(typeof v=='string'){}else{"),
]

# Translate one module, with both id counters reset first.
_TRANSLATE = r"""
function __consentry_translate(src, filename, modname, is_package) {
  var $B = __BRYTHON__;
  $B.$py_UUID = 1;
  $B.$consentry_reset_ids();
  $B.url2name[filename] = modname;
  try {
    var root = $B.py2js({src: src, filename: filename, imported: true, is_package: is_package},
                        modname, modname, $B.builtins_scope);
    return JSON.stringify({js: root.to_js()});
  } catch (err) {
    var exc = $B.exception(err);
    var info = {error: $B.class_name(exc), message: String(exc.args && exc.args[0] || exc)};
    try {
      info.lineno = exc.lineno; info.offset = exc.offset; info.text = exc.text;
      info.end_offset = exc.end_offset;
    } catch (e) {}
    return JSON.stringify(info);
  }
}
"""


class Translator:
    """One V8 context with the stock runtime loaded; translate() may be called many times."""

    def __init__(self):
        self._ctx = MiniRacer()
        self._ctx.eval(_SHIM)
        try:
            self._ctx.eval(runtime.apply_patches(runtime.read_stock(), _TRANSLATOR_PATCHES))
        except Exception as exc:  # a V8 error here means brython.js itself changed
            raise BuildError(f"could not load brython.js into the translator: {exc}") from exc
        self._ctx.eval(_TRANSLATE)

    def translate(self, source, filename, modname, is_package=False):
        """Return the module's JS, or raise BuildError with file, line and caret."""
        result = json.loads(self._ctx.call("__consentry_translate", source, filename, modname,
                                           is_package))
        if "js" in result:
            return result["js"]
        raise BuildError(_format_error(result, source, filename))


def _format_error(info, source, filename):
    line_no = info.get("lineno") or 0
    msg = f"{filename}:{line_no}: {info.get('error')}: {info.get('message')}"
    lines = source.split("\n")
    if 1 <= line_no <= len(lines):
        text = lines[line_no - 1]
        offset = info.get("offset") or 1
        msg += f"\n    {text}\n    {' ' * (max(offset, 1) - 1)}^"
    return msg

