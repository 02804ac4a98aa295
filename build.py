#!/usr/bin/env python3
"""Build the outreach products: ``python build.py --help`` lists the options."""

import sys

try:
    from outreach.cli import main
except ImportError as exc:  # run before setup, or with a Python that lacks the dependencies
    sys.exit(f"outreach cannot start ({exc}).\n"
             "Run 'bash setup.sh' once, then use '.venv/bin/python build.py'.")

if __name__ == "__main__":
    sys.exit(main())
