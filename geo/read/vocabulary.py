"""Register words matched to a registry (sectors, statuses): codes, the words no entry knows, the nearest entries."""

from __future__ import annotations

import difflib

import pandas as pd

from geo.registry import lookup_table
from geo.text import fold, fold_column

__all__ = ["match_codes", "nearest_entries"]

_NEAR = 0.4  # difflib ratio from which a known word counts as near (机器人产业 ~ 机器人: 0.75)


def match_codes(values: pd.Series, vocabulary: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Registry code per value (matched on code, 中文, English or alias; a compound like 'A/B' by its first part)
    and the mask of non-empty values no entry knows (their code is NA)."""
    table = lookup_table(vocabulary)
    folded = fold_column(values)
    first_part = folded.str.split(r"[/、,;；]", regex=True).str[0]
    codes = folded.map(table).fillna(first_part.map(table)).astype("string")
    return codes, folded.notna() & codes.isna()


def nearest_entries(word: str, vocabulary: pd.DataFrame, n: int = 3) -> list[str]:
    """Codes of up to ``n`` entries whose code, names or aliases are nearest to ``word`` (best first; a known word
    inside ``word`` counts as near).

    >>> from geo.registry import sectors
    >>> nearest_entries("机器人产业", sectors())[0], nearest_entries("新能源汽车零部件", sectors())[0]
    ('robotics', 'new_energy_vehicles')
    """
    key = fold(word)
    best: dict[str, float] = {}
    for known, code in lookup_table(vocabulary).items():
        ratio = 1.0 if len(known) >= 2 and known in key else difflib.SequenceMatcher(None, key, known).ratio()
        best[code] = max(best.get(code, 0.0), ratio)
    ranked = sorted((code for code, ratio in best.items() if ratio >= _NEAR), key=lambda c: -best[c])
    return ranked[:n]
