"""``python -m guru_form`` runs the ``guru-form`` command."""

from guru_form.cli import main

raise SystemExit(main())
