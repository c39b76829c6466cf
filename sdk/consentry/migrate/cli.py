"""`consentry migrate cc-config.js|json`: a vanilla-cookieconsent configuration converted into a
validated Consentry site configuration (docs/migrating.md)."""

import sys


def cmd_migrate(args):
    import json

    from consentry import server

    from .convert import migrate
    from .jsobject import ParseError

    try:
        with open(args.source, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        print("consentry migrate: cannot read %s: %s" % (args.source, exc), file=sys.stderr)
        return 1
    try:
        result = migrate(text, server.load_default_config())
    except ParseError as exc:
        print("consentry migrate: %s: %s" % (args.source, exc), file=sys.stderr)
        return 1
    out = json.dumps(result["config"], indent=2, ensure_ascii=False) + "\n"
    lines = ["note    %s: %s" % (n["path"], n["message"]) for n in result["notes"]]
    lines += ["error   %s: %s" % (e["path"], e["message"]) for e in result["errors"]]
    lines += ["warning %s: %s" % (w["path"], w["message"]) for w in result["warnings"]]
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(out)
    else:
        sys.stdout.write(out)
    if lines:
        print("\n".join(lines), file=sys.stderr)
    verdict = "%d part(s) not converted, %d warning(s)" % (len(result["notes"]),
                                                          len(result["warnings"]))
    if result["errors"]:
        print("%s: converted, but INVALID (%d error(s)); %s" % (args.source, len(result["errors"]),
                                                                verdict), file=sys.stderr)
        return 1
    print("%s: converted to a valid configuration; %s" % (args.source, verdict), file=sys.stderr)
    return 0


def register(sub):
    """Add `migrate` to the `consentry` command (see consentry.cli)."""
    p = sub.add_parser("migrate", help="convert a vanilla-cookieconsent configuration")
    p.add_argument("source", help="its configuration: a JSON file, or the .js file with its "
                                  "CookieConsent.run({...}) call (read, never run)")
    p.add_argument("-o", "--output", help="write the Consentry configuration here (default: "
                                          "standard output); the report goes to standard error")
    p.set_defaults(func=cmd_migrate)
