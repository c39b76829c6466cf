"""Python compiled by PScript (not Brython) into the runtime-free first stage, dist/consentry.js.

Only the first stage runs it; see consentry_build.fastpath for the rules it follows.
"""
