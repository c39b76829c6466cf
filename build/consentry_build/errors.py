"""The one exception type of the build: its message is what the user sees, so it must be clear."""


class BuildError(Exception):
    """A problem in the inputs of the build (source, config, Brython version), stated plainly."""
