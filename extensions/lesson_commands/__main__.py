"""``python -m lesson_commands``: the same as the ``sphinx-teaching-commands`` command."""

from lesson_commands.cli import main

raise SystemExit(main())
