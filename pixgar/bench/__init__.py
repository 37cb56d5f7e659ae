"""``pixgar bench``: complete logins over real HTTP, ours against a stock SATOSA.

A map of the package:

- ``command.py``: the command line (options, ``--quick``, ``--long``) read into a
  :class:`~pixgar.bench.plan.Plan` (``plan.py``);
  ``run.py``: one run, from the servers' start to the JSON line;
- ``stacks.py``: each side's servers (proxy and pix_core on gunicorn, TLS), its databases,
  roster and environment; ``services.py``: throwaway Redis and PostgreSQL servers;
  ``stock_satosa.py``: the baseline's configuration and its server; ``pupils.py``: the
  invented pupils (roster and GAR attributes);
- ``load.py``: batches of logins in two timed phases; ``driver.py``: the load driver (its
  own processes, ``http.client`` over TLS, a thread per login in flight); ``signer.py``:
  the GAR simulator signing responses between the timed phases;
- ``meter.py``: what is read around each timed phase (CPU, Redis commands) and between
  batches (memory, keys); ``processes.py``: a process tree's CPU and memory from ``/proc``;
- ``figures.py``: percentiles and per-login figures; ``report.py``: tables and the JSON line.

Driver processes import ``driver.py`` alone (the standard library): they start fast and
stay small.
"""
