"""A large, reproducible dataset for measuring the app at regional scale
(``manage.py generate_dataset``): staff, people with care teams and consents,
encounters with encrypted notes, the logbook and the audit trail.

Rows are planned in memory from one seed, then written in bulk
(``writer``): COPY on PostgreSQL, batched inserts elsewhere. Nothing goes
through the services or ``save()``, so no signal fires per row and no
audit entry is written but the ones ``audit_trail`` makes on purpose.
"""
