"""`python -m generator.emit.mkdocs.critical_css SITE_DIR`: see the package's doc."""

import sys

from generator.emit.mkdocs.critical_css import main

sys.exit(main())
