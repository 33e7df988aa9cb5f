"""Lists that coordinators keep in both languages (activities, kinds of
accompaniment): each row shows the name of the reader's language."""

from django.utils.translation import get_language


class BilingualName:
    """For a model with ``name_en`` and ``name_fr``: ``label`` is the French
    name for a reader in French, the English name otherwise."""

    name_en: str
    name_fr: str

    @property
    def label(self) -> str:
        return self.name_fr if (get_language() or "").startswith("fr") else self.name_en
