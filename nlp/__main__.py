"""``python -m nlp`` runs the eligo command."""

import sys

from nlp.cli import main

sys.exit(main())
