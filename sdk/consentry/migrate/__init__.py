"""Migration from vanilla-cookieconsent (CPython only, never in the bundle).

``jsobject`` reads its configuration (JSON or the object literal of ``run({...})``) without
evaluating it; ``convert`` turns it into a Consentry site configuration and reports what has no
equivalent; ``cli`` is the ``consentry migrate`` command. See docs/migrating.md.
"""
