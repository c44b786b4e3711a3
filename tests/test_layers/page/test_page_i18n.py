"""The UI registry (layers/i18n.json): every string, place and format in every language the page offers."""

import re

from geo.place.gazetteer import place_labels
from layers.page.app import LANGUAGES, SCRIPTS, _code, i18n


def test_every_string_is_in_every_language():
    registry = i18n()
    assert LANGUAGES == ("zh-Hans", "zh-Hant", "en") and registry["default"] == "zh-Hans"
    missing = [(key, language) for key, entry in registry["strings"].items() for language in LANGUAGES
               if not entry.get(language)]
    assert missing == []
    assert "places" not in registry  # place names live once, in the gazetteer data


def test_every_place_is_named_in_every_language():
    labels = place_labels()
    assert labels.notna().all().all() and labels.index.is_unique
    assert labels.loc["昆山开发区"].tolist() == ["昆山开发区", "崑山開發區", "Kunshan ETDZ"]
    assert labels.loc["昆山市", "zh_hant"] == "崑山市"


def test_each_string_fills_the_same_fields_in_every_language():
    fields = {key: {language: sorted(re.findall(r"\{(\w+)\}", entry[language])) for language in LANGUAGES}
              for key, entry in i18n()["strings"].items()}
    assert [key for key, by_language in fields.items() if len({tuple(v) for v in by_language.values()}) > 1
            and not key.startswith(("figure.", "date.", "programme."))] == []


def test_every_language_says_how_it_writes_numbers_names_and_dates():
    formats = i18n()["formats"]
    assert sorted(formats) == sorted(LANGUAGES)
    for language, spec in formats.items():
        assert set(spec) == {"locale", "labels", "name", "other_name", "texts", "typed_yi", "months"}, language
        assert spec["texts"] in ("", "_en", "_zh_hant")  # the suffix of geo's translated fields (description_en ...)
        assert spec["labels"] in ("zh", "zh_hant", "en")  # the column of sectors.json and statuses.json
        assert spec["name"] in ("name", "name_en", "name_hant") and spec["typed_yi"] > 0
        assert spec["months"] is None or len(spec["months"]) == 12


def test_the_page_script_keys_exist_in_the_registry():
    """Every t("...") key the scripts ask for is a registry string (keys built at run time are listed apart)."""
    code = _code()
    asked = set(re.findall(r'\bt\("([\w.]+)"\)', code))
    assert asked and asked <= set(i18n()["strings"])
    assert "text" in SCRIPTS and code.startswith('(function () {\n"use strict";\nfunction textModule(config, parks) {')
