#!/usr/bin/env python3
"""Build the outreach products: ``python build.py --help`` lists the options."""

import sys

from outreach.cli import main

if __name__ == "__main__":
    sys.exit(main())
