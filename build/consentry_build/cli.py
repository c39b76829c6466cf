"""`consentry build` and `consentry validate`: the build for users who do not use Invoke.

The Invoke tasks in tasks.py call these same functions; ``consentry.cli`` registers them.
"""

import sys

from .errors import BuildError


def cmd_build(args):
    from .bundle import build

    languages = None
    if args.languages:
        languages = "all" if args.languages == "all" else args.languages.split(",")
    build(config_path=args.config, out_dir=args.out, minified=not args.no_minify,
          single_file=args.single_file, languages=languages)
    return 0


def cmd_validate(args):
    from .config_input import format_problems, validate_file

    result = validate_file(args.config)
    report = format_problems(result)
    if report:
        print(report)
    if result["errors"]:
        print(f"{args.config}: {len(result['errors'])} error(s)", file=sys.stderr)
        return 1
    print(f"{args.config}: valid ({len(result['warnings'])} warning(s))")
    return 0


def _guarded(func):
    """Build errors are the user's input problems: one line on stderr, exit status 1."""
    def run(args):
        try:
            return func(args)
        except BuildError as exc:
            print(f"consentry: {exc}", file=sys.stderr)
            return 1
    return run


def register(sub):
    """Add `build` and `validate` to the `consentry` command (see consentry.cli)."""
    p_build = sub.add_parser("build", help="build dist/consentry.js")
    p_build.add_argument("--config", help="site configuration (JSON), merged over the built-in one")
    p_build.add_argument("-o", "--out", default="dist", help="output folder (default: dist)")
    p_build.add_argument("--no-minify", action="store_true",
                         help="skip terser (readable output for debugging)")
    p_build.add_argument("--single-file", action="store_true",
                         help="one consentry.js holding both stages (no second request)")
    p_build.add_argument("--languages", metavar="CODES",
                         help="built-in texts to embed: comma-separated codes (e.g. en,de,fr) "
                              "or 'all' (default: en, en-GB, fr); see manifest.json languages")
    p_build.set_defaults(func=_guarded(cmd_build))
    p_val = sub.add_parser("validate", help="check a site configuration")
    p_val.add_argument("config", help="site configuration (JSON)")
    p_val.set_defaults(func=_guarded(cmd_validate))
