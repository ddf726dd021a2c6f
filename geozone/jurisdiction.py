"""Jurisdictions: the administrative units a rule applies to (national, Beijing, a district).

A rule row in ``layers/rules/*.yaml`` names where it applies (``jurisdiction:``): the
string ``national``, the string ``beijing`` (city-wide, adcode 110000) or a list of
Beijing district adcodes such as ``["110117"]`` (Pinggu). A district's own plan binds
only that district, so the engine picks, per zone hit and activity, the most specific
row whose jurisdiction contains the place: district > city > national.

The service covers Beijing, so a city-wide or national rule contains every place it is
asked about; a district rule contains a place only when the place's district (the admin
layer's ``code``, an NBS adcode) is one of its codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["national", "city", "district"]

SPECIFICITY: dict[str, int] = {"national": 0, "city": 1, "district": 2}
"""Larger is more specific; the most specific rule containing a place applies."""


@dataclass(frozen=True)
class Jurisdiction:
    """An administrative unit a rule applies to.

    Attributes
    ----------
    code : str
        NBS adcode: ``"100000"`` national, ``"110000"`` Beijing, ``"1101xx"`` a district.
    level : {"national", "city", "district"}
    name_zh, name_en : str
        Display names, e.g. ``平谷区`` / ``Pinggu District``.
    """

    code: str
    level: Level
    name_zh: str
    name_en: str

    @property
    def specificity(self) -> int:
        """2 for a district, 1 for the city, 0 for national."""
        return SPECIFICITY[self.level]

    def contains(self, district: str | None) -> bool:
        """True when a place in district ``district`` (adcode, or None if unknown) is covered.

        >>> DISTRICTS["110117"].contains("110117"), DISTRICTS["110117"].contains("110112")
        (True, False)
        >>> BEIJING.contains("110112"), BEIJING.contains(None)
        (True, True)
        """
        if self.level != "district":
            return True
        return district == self.code

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"code", "level", "name_zh", "name_en"}``."""
        return {
            "code": self.code,
            "level": self.level,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
        }


NATIONAL = Jurisdiction("100000", "national", "全国", "National")
BEIJING = Jurisdiction("110000", "city", "北京市", "Beijing Municipality")

DISTRICTS: dict[str, Jurisdiction] = {
    code: Jurisdiction(code, "district", zh, en)
    for code, zh, en in (
        ("110101", "东城区", "Dongcheng District"),
        ("110102", "西城区", "Xicheng District"),
        ("110105", "朝阳区", "Chaoyang District"),
        ("110106", "丰台区", "Fengtai District"),
        ("110107", "石景山区", "Shijingshan District"),
        ("110108", "海淀区", "Haidian District"),
        ("110109", "门头沟区", "Mentougou District"),
        ("110111", "房山区", "Fangshan District"),
        ("110112", "通州区", "Tongzhou District"),
        ("110113", "顺义区", "Shunyi District"),
        ("110114", "昌平区", "Changping District"),
        ("110115", "大兴区", "Daxing District"),
        ("110116", "怀柔区", "Huairou District"),
        ("110117", "平谷区", "Pinggu District"),
        ("110118", "密云区", "Miyun District"),
        ("110119", "延庆区", "Yanqing District"),
    )
}
"""Beijing's 16 districts by NBS adcode."""


def parse_jurisdiction(value: Any) -> tuple[Jurisdiction, ...]:
    """Parse a rule row's ``jurisdiction``: ``"national"``, ``"beijing"`` or district adcodes.

    Parameters
    ----------
    value : str or list of str
        ``"national"``, ``"beijing"`` (or ``"110000"``), a district adcode, or a list of them.

    Raises
    ------
    ValueError
        For an empty list or an unknown name or adcode; the message lists the allowed values.

    >>> [j.name_en for j in parse_jurisdiction(["110112", "110117"])]
    ['Tongzhou District', 'Pinggu District']
    >>> parse_jurisdiction("beijing")[0].code
    '110000'
    """
    items = [value] if isinstance(value, str | int) else value
    if not isinstance(items, list | tuple) or not items:
        raise ValueError("jurisdiction must be 'national', 'beijing' or a list of district adcodes")
    out: list[Jurisdiction] = []
    for item in items:
        text = str(item).strip()
        low = text.lower()
        if low == "national" or text == NATIONAL.code:
            found = NATIONAL
        elif low == "beijing" or text == BEIJING.code:
            found = BEIJING
        elif text in DISTRICTS:
            found = DISTRICTS[text]
        else:
            raise ValueError(
                f"unknown jurisdiction {text!r}; allowed: 'national', 'beijing' or a Beijing "
                f"district adcode ({', '.join(DISTRICTS)})"
            )
        if found not in out:
            out.append(found)
    return tuple(out)
