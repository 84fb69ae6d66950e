"""``python -m offchain.cli``: the ``gridmargin`` command."""

import sys

from offchain.cli import main

sys.exit(main())
