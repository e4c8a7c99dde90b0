import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = frozenset({"\n", "\r", "\t"})


def first_invisible(text: str, *, allow: frozenset[str] = LINE_BREAKS) -> str | None:
    """The first control or format character (bell, direction override...) not in ``allow``, if any."""
    if text.isprintable():  # fast path: nothing unusual at all
        return None
    for char in text:
        if char not in allow and unicodedata.category(char) in {"Cc", "Cf"}:
            return char
    return None


def validate_printable(value: str) -> None:
    """Refuse invisible control and direction-override characters, which only ever arrive by accident or malice."""
    char = first_invisible(value)
    if char is not None:
        raise ValidationError(
            _("Contains the invisible character U+%(code)04X; remove it."),
            code="invisible_character",
            params={"code": ord(char)},
        )
