#!/usr/bin/env python3
"""Build the outreach products: ``python build.py --help`` lists the options."""

import gc
import sys

gc.disable()  # importing makes objects that live as long as the process: nothing to collect
try:
    from outreach.cli import exit_now, main
except ImportError as exc:  # run before setup, or with a Python that lacks the dependencies
    sys.exit(f"outreach cannot start ({exc}).\n"
             "Run 'bash setup.sh' once, then use '.venv/bin/python build.py'.")
gc.enable()  # main() freezes what was imported, so collections skip it

if __name__ == "__main__":
    exit_now(main())
