"""`python -m meetd` runs the command line, like `meetd`."""

from meetd.cli import main

raise SystemExit(main())
