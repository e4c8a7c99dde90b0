"""The Simplified Chinese catalogue is complete and actually served."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Translation of "Master data" in the catalogue.
MASTER_DATA_ZH = "主数据"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


@dataclass
class PoEntry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _parse_po(path: Path) -> list[PoEntry]:
    """Just enough of the PO format: flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n], continuations."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    target: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal entry
        if entry.msgstrs or entry.msgid:
            entries.append(entry)
        entry = PoEntry()

    def append(key: tuple[str, int], text: str) -> None:
        name, index = key
        if name == "msgstr":
            entry.msgstrs[index] = entry.msgstrs.get(index, "") + text
        else:
            setattr(entry, name, getattr(entry, name) + text)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            target = None
        elif line.startswith("#~"):
            continue  # obsolete entries are not used
        elif line.startswith("#,"):
            if entry.msgstrs:  # a new entry started without a blank line
                flush()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if entry.msgstrs:
                flush()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line without a keyword"
            append(target, ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and entry.msgstrs:
                flush()
            match = re.fullmatch(r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[(\d+)\])?", keyword)
            assert match, f"{path}:{number}: unexpected line {raw!r}"
            if not entry.line:
                entry.line = number
            target = (match.group(1), int(match.group(2) or 0))
            append(target, ast.literal_eval(rest))
    flush()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    return _parse_po(PO_PATH)


def test_catalogue_is_compiled():
    assert PO_PATH.exists()
    assert MO_PATH.exists(), "run `manage.py compilemessages -l zh_Hans` and commit the .mo"


def test_header_declares_language_and_plural_forms(po_entries):
    header = next(e for e in po_entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hans\n" in header.msgstrs[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstrs[0]


def test_every_message_is_translated(po_entries):
    messages = [e for e in po_entries if e.msgid]
    assert len(messages) > 100
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in messages
        if not e.msgstrs or not all(text.strip() for text in e.msgstrs.values())
    ]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_placeholders_are_kept(po_entries):
    wrong = [
        f"line {e.line}: {e.msgid!r} -> {text!r}"
        for e in po_entries
        if e.msgid
        for text in e.msgstrs.values()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def _dashboard(client, user, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_dashboard_in_simplified_chinese(client, procurement_user):
    html = _dashboard(client, procurement_user, "zh-hans")
    assert '<html lang="zh-hans">' in html
    assert MASTER_DATA_ZH in html
    assert "Master data" not in html
    assert "工作台" in html


@pytest.mark.django_db
def test_dashboard_in_english(client, procurement_user):
    html = _dashboard(client, procurement_user, "en")
    assert '<html lang="en">' in html
    assert "Master data" in html
    assert MASTER_DATA_ZH not in html
