"""lesson_commands: run the runnable shell sessions of a lesson site, in a sandbox.

A build with the ``sphinx_teaching`` extension writes every ``lesson-command`` block it read
to ``<doctreedir>/lesson-commands.json``. This package reads that file, and only that file:
it imports neither Sphinx nor the extension, so running the commands costs no build and the
JSON manifest is the whole contract between the two.

From the command line::

    $ sphinx-teaching-commands run _build/html/.doctrees
    $ python -m lesson_commands list _build/html/.doctrees

- :mod:`.manifest` reads the manifest into scenarios;
- :mod:`.output` compares what a command printed with what the page shows;
- :mod:`.wheelhouse` fetches the packages the scenarios ``pip install``;
- :mod:`.sandbox` runs a scenario in bash, in a temporary home and work folder;
- :mod:`.cli` is the ``sphinx-teaching-commands`` command.
"""
