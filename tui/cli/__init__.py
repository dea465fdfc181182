"""The headless ``neuron-tui train`` command: the same engine as the app, without Textual.

One module per job, imported by their own names (this package re-exports nothing):

* ``options``: the options table (``--help``, the README's table, which options go together);
  ``values`` reads option values from text;
* ``parser``: the argument parser built from the table; ``request``: the parsed arguments
  turned into checked configs (a ``Request``);
* ``command``: reads the command line and runs ``train``, every failure as one line on stderr;
* ``run``: data and trainer, chunked training, ``--save``/``--load``; ``progress``: the
  article's lines or a progress bar while it trains; ``signals``: SIGINT, SIGTERM and SIGHUP
  stop the run and keep it;
* ``report``: the results as one JSON-safe report; ``summary``: shown as JSON, lines or a table;
* ``exits``: the exit codes;
* ``app_start``: the options given without a command, which open the app (``neuron-tui
  --dataset circle``, ``--load RUN.npz``); ``reproduce``: the shortest command that repeats a
  run; ``serve``: ``neuron-tui serve``, the app in a browser (textual-serve, imported there only).

``tui.__main__`` (the ``neuron-tui`` console script) dispatches: no command starts the app (with
the options of ``app_start``), anything else goes through ``command``. Nothing here imports
Textual, plotext or the app's modules (a test checks ``sys.modules``; ``serve`` imports
textual-serve when it runs); NumPy, the engine and rich load only when a run needs them.
"""
