"""`make bench`: every main page, export and write at two data sizes, on
PostgreSQL, against budgets (issue 14). ``run.py`` is the orchestration; the
other modules each measure or write one thing."""
