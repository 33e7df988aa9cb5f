"""The encrypted field of note bodies, addenda, next steps and disclosure
records: the core's ConfidentialTextField under the name the migrations of
this app were written with."""

from peersupport.fields import ConfidentialTextField


class NoteBodyField(ConfidentialTextField):
    """Fernet ciphertext in the database; plain text in Python."""
