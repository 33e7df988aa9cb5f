"""Reads of the staff app that the policies do not give directly: the rows a
service locks before deciding, and sums of time. Split by capability (the
architecture test lets ``staff/selectors/`` use the app's managers):

- ``work``: work activities, debriefing requests and time by kind;
- ``people``: supervision, wellness plans, onboarding.
"""
