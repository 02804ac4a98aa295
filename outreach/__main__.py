"""Allow ``python -m outreach``."""

from .cli import exit_now, main

exit_now(main())
