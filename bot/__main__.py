"""``python -m bot`` is the same as the ``rapport`` command."""

from bot.cli import main

raise SystemExit(main())
