import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def validate_printable(value: str) -> None:
    """Refuse invisible control and direction-override characters, which only ever arrive by accident or malice."""
    for char in value:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in {"Cc", "Cf"}:
            raise ValidationError(
                _("Contains the invisible character U+%(code)04X; remove it."),
                code="invisible_character",
                params={"code": ord(char)},
            )
