"""Turn the wheel's brython.js into the runtime that ships inside consentry.js.

Stock brython.js cannot be a good third-party script: it needs eval under CSP, leaks globals,
defines a custom element, hijacks ``body.onload`` and keeps a page-wide MutationObserver.
Each fix below is a literal text patch that must match EXACTLY
ONCE; a Brython upgrade that moves any of them fails the build loudly instead of shipping a
silently broken bundle.
"""

import os

import brython

from .errors import BuildError

BRYTHON_VERSION = "3.15.0"
_VERSION_LINE = "// version [3, 15, 0, 'final', 0]"

# Parts of the runtime that AOT code never reaches, cut out whole: (name, first text, text
# that starts the part to keep). Each boundary must occur exactly once.
CUTS = [
    # The parser chain (symtable, pegen, grammar tables), marked upstream (PR #2946). The AST
    # classes and ast_to_js before it stay: they also define runtime helpers (wrapper_methods,
    # finalize_type, resolve_*) that compiled code calls.
    ("compiler chain", "// >>> brython compiler chain", "// <<< brython compiler chain\n"),
    # The Python AST node classes (the `ast` module's types): only the compiler builds ASTs.
    # The slot-wrapper/finalize_type part that follows them is runtime and stays.
    ("AST classes", "__BRYTHON__.ast_classes={",
     "(function($B){var _b_=$B.builtins\nfunction wrap(dunder,nb_args){"),
    # Docstrings of the builtins (help() text).
    ("builtin docstrings", "var docs={ArithmeticError:", ";\n\"use strict\";\n(function($B){$B.whenReady="),
]

# Spans of the runtime replaced by a few lines (or nothing): (name, first text, last text,
# replacement). The first text occurs exactly once; the span ends at the first occurrence of the
# last text after it. Each is dead for AOT-compiled SDK code, which the browser suite proves.
SPANS = [
    # The Python tokenizer (source text -> tokens): only the compiler and SyntaxError hints call
    # it. The Unicode identifier helpers before it (str.isidentifier) stay.
    ("tokenizer", "function $last(array){",
     "t.push(Token('ENDMARKER','',line_num,0,line_num,0,''))\nreturn t}})(__BRYTHON__);",
     "$B.tokenizer=function(){$B.$no_eval()}})(__BRYTHON__);"),
    # `match` statements: modules.lint refuses them in SDK code, so nothing calls this.
    ("pattern matching", '(function($B){"use strict";\n$B.pattern_match=function(subject,pattern){',
     "else if(subject==pattern){return true}\nreturn false}})(__BRYTHON__);", ""),
    # eval()/exec() compile source at run time: in this build they only raise.
    ("eval and exec", "(function($B){var _b_=$B.builtins\nvar $$eval=_b_.eval=function(){",
     '$$eval(src,globals,locals,"exec")\nreturn _b_.None}})(__BRYTHON__)',
     "(function($B){var _b_=$B.builtins\n"
     "_b_.eval=function(){$B.$no_eval()}\n_b_.eval.$is_func=true\n"
     "_b_.exec=function(){$B.$no_eval()}\n_b_.exec.$is_func=true})(__BRYTHON__)"),
    # A JS TimSort for list.sort: Array.prototype.sort is a stable TimSort in every engine we
    # support (ES2019 requires stability). The comparator of str lists stays equivalent.
    ("TimSort", ";(function($B){var _b_=$B.builtins\nvar DEFAULT_MIN_MERGE=32",
     "$B.$AlphabeticalCompare=alphabeticalCompare})(__BRYTHON__);",
     ";(function($B){$B.$TimSort=function(array,compare){array.sort(compare)}\n"
     "$B.$AlphabeticalCompare=function(a,b){var x=String(a),y=String(b)\n"
     "return x===y ? 0 : x < y ? -1 : 1}})(__BRYTHON__);"),
    # The <script type="text/python"> loader: indexedDB module cache, Ajax loading and the task
    # loop that brython() runs. The bundle's own loader replaces all of it.
    ("script loader", "function idb_load(evt,module){",
     "func.apply(null,args)}catch(err){$B.handle_error(err)}}}\n$B.tasks=[]\n"
     "$B.has_indexedDB=self.indexedDB !==undefined})(__BRYTHON__);",
     "$B.tasks=[]\n$B.has_indexedDB=false})(__BRYTHON__);"),
    # browser.html: one class per HTML tag (~120), built at every start-up. The build refuses
    # `browser.html` in SDK code (its tag constructors are HTML sinks), so it stays empty.
    ("browser.html tags", "modules['browser.html']=(function($B){var _b_=$B.builtins\n"
     "var TagSum=$B.TagSum",
     "html.attribute_mapper=function(attr){return attr.replace(/_/g,'-')}\nreturn html})"
     "(__BRYTHON__)",
     "modules['browser.html']={}"),
    # The io module's classes (files, buffers, text wrappers) behind open(): a web page has no
    # files, and building the classes costs start-up time. Only is_buffer is used elsewhere.
    ("io classes", '(function($B){"use strict";\nvar _b_=$B.builtins\nfunction make_lines(self){',
     "return _io_open_impl($.file,$.mode,$.buffering,$.encoding,$.errors,$.newline,$.closefd,"
     "$.opener)}})(__BRYTHON__)",
     '(function($B){"use strict";\nvar _b_=$B.builtins\n'
     "$B.is_buffer=function(obj){if($B.get_class(obj).$buffer_protocol){return true}\n"
     "for(var klass of $B.get_mro($B.get_class(obj))){if(klass.$buffer_protocol){return true}}\n"
     "return false}\n"
     "_b_.open=function(){$B.RAISE(_b_.OSError,'open() is not available in this build')}})"
     "(__BRYTHON__)"),
]

# Raised by every eval-like entry point we cannot remove: exec()/eval()/compile(), importing
# Python source, javascript.load... none of which the SDK uses.
NO_EVAL = (
    "$B.$no_eval=function(){throw new Error('[consentry] code evaluation is disabled in this "
    "build')};\n"
)

# (name, old text, new text). Each old text must occur exactly once.
PATCHES = [
    # Our own copy of the runtime: never share or reuse a host page's __BRYTHON__.
    ("private runtime object",
     "var __BRYTHON__=globalThis.__BRYTHON__ ||{}",
     "var __BRYTHON__={}"),
    # Feature probe that costs a CSP violation report on every page view.
    ("drop async-generator eval probe",
     'try{\neval("async function* f(){}")}catch(err){console.warn("Your browser is not fully '
     'supported. If you are using "+\n"Microsoft Edge, please upgrade to the latest version")}',
     ""),
    # Runtime compilation sites: unreachable for AOT code, replaced so that no Function/eval
    # constructor call exists in the bundle at all.
    ("no eval: run_script", "var modobj=new Function(script.js+`\\nreturn locals`)()",
     "var modobj=$B.$no_eval()"),
    ("no eval: code objects",
     "var func=new Function('_b_','__file__',globals_name,'return '+code.co_code)",
     "var func=$B.$no_eval()"),
    ("no eval: exec",
     "var exec_func=new Function('$B','_b_','locals',local_name,global_name,'frame',"
     "'_frame_obj',js)",
     "var exec_func=$B.$no_eval()"),
    ("no eval: dead log line", "console.log('eval() error\\n',js)", "console.log(js)"),
    ("no eval: JS class subclassing",
     "var new_js_class=Function('cl_dict','bases',body)(cl_dict,bases)",
     "var new_js_class=$B.$no_eval()"),
    ("no eval: run_js", "new Function(module_contents)()", "$B.$no_eval()"),
    ("no eval: run_py", "var mod=(new Function(module_id,js))(module)",
     "var mod=$B.$no_eval()"),
    ("no eval: idb cache", "var $module=new Function(prefix+parent_id,mod_js)(",
     "var $module=$B.$no_eval("),
    ("no eval: import_js", "f=new Function(js)", "f=$B.$no_eval()"),
    ("no eval: browser.load", "eval(content)},load1:", "$B.$no_eval()},load1:"),
    ("no eval: javascript.load", "eval(content)},Math:", "$B.$no_eval()},Math:"),
    # No auto-start: no DOMContentLoaded listener, no body.onload, no <brython-options>.
    ("no startup observer",
     "if(!($B.isWebWorker ||$B.isNode)){var startup_observer=",
     "if(false){var startup_observer="),
    ("no auto-start, no custom element",
     "if(!$B.isWebWorker){\npython_scripts=python_scripts.concat(",
     "if(false){\npython_scripts=python_scripts.concat("),
    ("no brython global", "globalThis.brython=__BRYTHON__.brython", ""),
    # Start-up probe of localStorage/sessionStorage for Brython's browser.local_storage module,
    # which is not shipped. The first access of a page to localStorage opens the origin's
    # storage synchronously (37 ms of a cold first visit in the profile) and the SDK must not
    # touch storage before a choice anyway.
    # $B.tz_name, for Brython's time module (not shipped): two Intl.DateTimeFormat objects and
    # their time-zone names on every start-up, 14 ms of a cold first visit in the profile.
    ("no time zone name",
     "var date=new Date()\nvar formatter=new Intl.DateTimeFormat($B.language,{timeZoneName:'short'}),"
     "short=formatter.format(date)\nformatter=new Intl.DateTimeFormat($B.language,"
     "{timeZoneName:'long'})\nvar long=formatter.format(date)\nvar ix=0,minlen=Math.min("
     "short.length,long.length)\nwhile(ix < minlen && short[ix]==long[ix]){ix++}\n"
     "$B.tz_name=long.substr(ix).trim()",
     ""),
    # Environment probes that read undeclared globals: on a page, `process`, `WorkerGlobalScope`
    # and `WorkerNavigator` are looked up on window, where an element with that id answers
    # (<div id="process"> made `process.release.name` throw and the SDK never started). The
    # bundle only ever runs in a page.
    ("page, not a web worker",
     "$B.isWebWorker=('undefined' !==typeof WorkerGlobalScope)&&\n(\"function\"===typeof "
     "importScripts)&&\n(navigator instanceof WorkerNavigator)",
     "$B.isWebWorker=false"),
    ("page, not node", "$B.isNode=(typeof process !=='undefined')&&(process.release.name==='node')"
     "\n&&(process.__nwjs !==1)", "$B.isNode=false"),
    ("page, not a web worker (2)",
     "_window=globalThis,isWebWorker=('undefined' !==typeof WorkerGlobalScope)&&\n(\"function\"="
     "==typeof importScripts)&&\n(navigator instanceof WorkerNavigator)",
     "_window=globalThis,isWebWorker=false"),
    # brython_path (where Brython would fetch stdlib modules; this build fetches none) came from
    # document.currentScript, which <img name="currentScript"> shadows.
    ("no document.currentScript", "this_url=document.currentScript.src}",
     "this_url=_window.location.href}"),
    ("no storage probe",
     'var has_storage=typeof(Storage)!=="undefined"\nif(has_storage){$B.has_local_storage=false\n'
     'try{\nif(localStorage){$B.local_storage=localStorage\n$B.has_local_storage=true}}'
     'catch(err){}\n$B.has_session_storage=false\ntry{\nif(sessionStorage){'
     '$B.session_storage=sessionStorage\n$B.has_session_storage=true}}catch(err){}}else{\n'
     '$B.has_local_storage=false\n$B.has_session_storage=false}',
     "$B.has_local_storage=false\n$B.has_session_storage=false"),
]


def brython_js_path():
    return os.path.join(os.path.dirname(brython.__file__), "data", "brython.js")


def read_stock():
    """The wheel's brython.js, after checking it is the exact version our patches target."""
    with open(brython_js_path(), encoding="utf-8") as f:
        text = f.read()
    if _VERSION_LINE not in text[:400]:
        raise BuildError(
            f"brython.js is not Brython {BRYTHON_VERSION}; the runtime patches target exactly "
            f"that version (pip install brython=={BRYTHON_VERSION})")
    return text


def apply_patches(text, patches=PATCHES):
    for name, old, new in patches:
        count = text.count(old)
        if count != 1:
            raise BuildError(
                f"runtime patch '{name}' matched {count} times (expected exactly 1): "
                f"Brython changed; review build/consentry_build/runtime.py")
        text = text.replace(old, new)
    return text


# The AST->JS translator (ast_to_js.js) is dead weight for AOT code except for a few runtime
# helpers that compiled code and tracebacks call. The chunk is replaced by Brython's own text of
# those helpers: (first text, last text) of each kept span, each found exactly once.
TRANSLATOR_START = "(function($B){var _b_=$B.builtins\nfunction ast_dump(tree,indent){"
TRANSLATOR_END = "return '// unhandled class ast.'+ast.constructor.$name}})(__BRYTHON__);\n"
TRANSLATOR_KEEP = [
    ("$B.decode_position=function(pos){", "return pos}}\n"),
    ("function resolve_in_namespace(name,ns){",
     "$B.own_class_name=function(name,inum){$B.set_inum(inum)\nthrow $B.name_error(name)}\n"),
]
# What the kept helpers need from the rest of the translator: the set of builtin names.
TRANSLATOR_SHIM = (
    "var builtins_scope={locals:new Set(Object.keys($B.builtins).filter(function(n){"
    "return ['__doc__','__loader__','__name__','__package__','__spec__'].indexOf(n)<0}))};\n")


def _span(text, first, last, what):
    if text.count(first) != 1:
        raise BuildError(f"runtime {what}: start found {text.count(first)} times (expected 1)")
    i = text.index(first)
    j = text.find(last, i)
    if j < 0:
        raise BuildError(f"runtime {what}: end not found after its start")
    return i, j + len(last)


def replace_translator(text):
    """Swap ast_to_js.js for the runtime helpers it defines (see TRANSLATOR_KEEP)."""
    i, j = _span(text, TRANSLATOR_START, TRANSLATOR_END, "translator chunk")
    chunk = text[i:j]
    kept = []
    for first, last in TRANSLATOR_KEEP:
        a, b = _span(chunk, first, last, "translator helper")
        kept.append(chunk[a:b])
    body = "(function($B){var _b_=$B.builtins\n" + TRANSLATOR_SHIM + "".join(kept) + \
        "})(__BRYTHON__);\n"
    return text[:i] + body + text[j:]


def cut(text, cuts=CUTS):
    for name, first, keep in cuts:
        n_first, n_keep = text.count(first), text.count(keep)
        if n_first != 1 or n_keep != 1:
            raise BuildError(f"runtime cut '{name}': boundaries found {n_first}/{n_keep} times "
                             f"(expected 1/1): Brython changed; review runtime.py")
        i, j = text.index(first), text.index(keep)
        if j < i:
            raise BuildError(f"runtime cut '{name}': boundaries out of order")
        text = text[:i] + text[j:]
    return text


def replace_spans(text, spans=SPANS):
    for name, first, last, replacement in spans:
        i, j = _span(text, first, last, f"span '{name}'")
        text = text[:i] + replacement + text[j:]
    return text


def strip_header(text):
    """Drop the leading comment lines and the top-level "use strict" (the bundle adds its own)."""
    lines = text.split("\n")
    while lines and (lines[0].startswith("//") or lines[0] == '"use strict";'):
        lines.pop(0)
    return "\n".join(lines)


def build_runtime():
    """The patched, trimmed runtime source, to be placed inside the bundle's function scope."""
    text = read_stock()
    text = apply_patches(text)
    text = cut(text)
    text = replace_translator(text)
    text = replace_spans(text)
    text = strip_header(text)
    # $B exists from the first statement on; install the eval stub right after it is created.
    marker = "var __BRYTHON__={}\n"
    if text.count(marker) != 1:
        raise BuildError("runtime object marker not found exactly once")
    return text.replace(marker, marker + NO_EVAL.replace("$B.", "__BRYTHON__."), 1)
