"""Allow ``python -m outreach``."""

import sys

from .cli import main

sys.exit(main())
