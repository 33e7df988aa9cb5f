"""The encrypted text field for what a person said or what was said about them
(django-fernet-encrypted-fields), keyed by NOTE_ENCRYPTION_KEYS instead of the
package's SECRET_KEY derivation, so that the key can be kept, rotated and
escrowed apart from the site's secret.

In the core so that every app with confidential free text (notes, follow-ups,
referrals) encrypts it the same way without importing another feature app.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedTextField

if TYPE_CHECKING:
    from django.db import models

    # The package has no types: to the type checker, a text field (str in Python).
    _TextField = models.TextField
else:
    _TextField = EncryptedTextField


class ConfidentialTextField(_TextField):
    """Fernet ciphertext in the database; plain text in Python."""

    @cached_property
    def keys(self) -> list[bytes]:
        # First key encrypts, all keys decrypt (MultiFernet), which is what rotation needs.
        return [key.encode("ascii") for key in settings.NOTE_ENCRYPTION_KEYS]
