"""The installed package: stdlib-only runtime (consentry_build registers its commands without
importing the build toolchain), typed, `consentry --version`, and (in CI's fresh
venv) proof that these tests ran against the wheel, not the checkout."""

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from server_kit import HERE, packaged_bundle

import consentry

RUNTIME = ("consentry", "consentry.server", "consentry.types", "consentry.cli", "consentry.web",
           "consentry.web.asgi", "consentry.web.wsgi", "consentry.engine.config")


def test_runtime_needs_only_the_standard_library():
    code = ("import sys\n"
            "for m in %r: __import__(m)\n"
            "from consentry.web import Site\n"
            "import consentry.cli; consentry.cli.make_parser()\n"
            "names = {m.split('.')[0] for m in sys.modules}\n"
            "extra = names - set(sys.stdlib_module_names) - {'consentry', 'consentry_build', '__main__'}\n"
            "print(sorted(n for n in extra if not n.startswith(('__editable__', '_distutils_hack'))))"
            % (RUNTIME,))
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=str(HERE.parent.parent.parent))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", "the runtime imported third-party modules: " + out.stdout


def test_typed_and_versioned():
    assert resources.files("consentry").joinpath("py.typed").is_file()
    exe = Path(sys.executable).with_name("consentry")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "consentry " + consentry.__version__


@pytest.mark.skipif(not os.environ.get("CONSENTRY_TEST_INSTALLED"),
                    reason="checkout run (.ci/run sets CONSENTRY_TEST_INSTALLED for the wheel run)")
def test_these_tests_use_the_installed_wheel():
    package = Path(consentry.__file__).resolve()
    assert Path(sys.prefix).resolve() in package.parents, package
    assert HERE.parents[1] not in package.parents, package
    assert packaged_bundle()
    manifest = resources.files("consentry").joinpath("static", "manifest.json").read_text("utf-8")
    assert '"config": "built-in"' in manifest
