"""`python -m worklens_agent.cli`: the same as the `worklens-agent` command."""

import sys

from worklens_agent.cli import main

sys.exit(main())
