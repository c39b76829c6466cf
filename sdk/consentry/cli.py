"""The `consentry` command: one entry point, one subcommand module per feature.

Each module in ``COMMANDS`` has a ``register(subparsers)`` that adds its subcommands and sets
``func`` (called with the parsed arguments, returning the exit status). Registration must stay
cheap and import nothing heavy: a feature's dependencies are imported when its command runs, so
``consentry --version`` works with the standard library alone.
"""

import argparse
import importlib
import sys

from consentry import __version__

# Subcommand modules, in help order. A module that cannot be imported (its optional dependencies
# are not installed) is skipped; its commands then do not appear.
COMMANDS = (
    "consentry_build.cli",   # build, validate
    "consentry.scan.cli",    # scan: audit a site's cookies and trackers
    "consentry.log.cli",     # log serve|show|export|purge|stats: proof of consent
    "consentry.migrate.cli",  # migrate: a vanilla-cookieconsent configuration into ours
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consentry", description="Consentry: the cookie-consent SDK's tools.")
    parser.add_argument("--version", action="version", version=f"consentry {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.register(sub)
    return parser


def main(argv: "list[str] | None" = None) -> int:
    args = make_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
