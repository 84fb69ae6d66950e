"""The ``gridmargin`` command line: a click group (:data:`cli`) and its console entry point (:func:`main`).

Layout, as ape's ``ape/cli``: shared options (:mod:`.options`), parameter types (:mod:`.paramtypes`),
console output (:mod:`.output`), portfolio files (:mod:`.books`), one module per command in
:mod:`.commands`, the group in :mod:`.app`. Every failure ends with exit status != 0 and one
readable line on stderr.
"""

from offchain.cli.app import cli, main

__all__ = ["cli", "main"]
