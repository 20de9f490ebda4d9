"""``python -m mooc``."""

import sys

from mooc.cli import main

sys.exit(main())
