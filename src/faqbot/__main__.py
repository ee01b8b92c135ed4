"""``python -m faqbot``: the same command line as the ``faqbot`` script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
