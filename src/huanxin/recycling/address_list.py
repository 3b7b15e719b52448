"""The office's address book (/recycling/addresses) as the page kit pages, sorts, filters,
searches and exports it: by jurisdiction, found by characters or pinyin initials, ordered by
乡镇/街道, 村/社区, 小区 (the page showed the first 300 entries before)."""

from __future__ import annotations

from collections.abc import Mapping

from huanxin.recycling.models import AddressEntry
from huanxin.recycling.service.addresses import matching
from huanxin.web.kit.lists import Column, Filter, ListSpec


def spec(places: Mapping[str, str]) -> ListSpec:
    """The list; ``places`` (区划代码 → name) are the books the actor may filter by."""
    return ListSpec(
        title="回收地址库",
        columns=(
            Column(
                "jurisdiction_code",
                "所属区划",
                AddressEntry.jurisdiction_code,
                lambda a: places.get(a.jurisdiction_code, ""),
            ),
            Column("township", "乡镇/街道", AddressEntry.township, lambda a: a.township),
            Column("village", "村/社区", AddressEntry.village, lambda a: a.village),
            Column("place", "小区或门牌范围", AddressEntry.place, lambda a: a.place),
            Column("lat", "纬度", AddressEntry.lat, lambda a: a.lat),
            Column("lon", "经度", AddressEntry.lon, lambda a: a.lon),
        ),
        default_sort="township",
        tiebreak=AddressEntry.id,
        search=matching,
        search_hint="汉字或拼音首字母",
        filters=(
            Filter(
                "jurisdiction_code",
                "所属区划",
                places,
                lambda v: AddressEntry.jurisdiction_code == v,
            ),
        ),
    )
