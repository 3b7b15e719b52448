"""The address book: the office imports it from .xlsx (template, row-by-row Chinese errors,
nothing half-saved, a second import changes nothing); residents find entries by characters
or pinyin initials and book by entry and house number, the coordinates coming from the
entry; the demo ships a book for each of its counties."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

import builders
from huanxin.core.models import AuditEntry
from huanxin.recycling import demo
from huanxin.recycling.models import AddressEntry, Booking
from huanxin.recycling.service import addresses

if TYPE_CHECKING:
    from conftest import RWorld

GOOD = [
    ["龙港镇", "杏园社区", "杏园小区1-12号楼", 35.6905, 112.1862],
    ["龙港镇", "梅河社区", "梅河街1-80号", 35.6950, 112.1900],
    ["嘉峰镇", "李庄村", "李庄村1-120号", 35.6200, 112.3000],
]


def _xlsx(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers or addresses.HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def _count(world: RWorld) -> int:
    with world.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AddressEntry)) or 0)


def _upload(client: object, content: bytes) -> object:
    page = client.get("/recycling/addresses")  # type: ignore[attr-defined]
    files = {"file": ("地址.xlsx", content, "application/octet-stream")}
    return client.post(
        "/recycling/addresses",
        files=files,  # type: ignore[attr-defined]
        data={"csrf_token": _csrf(page.text), "jurisdiction_code": "140521"},
    )


def test_office_imports_address_book_all_or_nothing(rworld: RWorld) -> None:
    office = builders.web_client(rworld.db, "office.140521")
    template = office.get("/recycling/addresses/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == addresses.HEADERS

    bad = _xlsx(
        [
            GOOD[0],
            ["龙港镇", "", "无名小区", "北纬", 112.1],
            ["郑村镇", "郑村", "郑村1-9号", 36.9, 112.2],
            GOOD[0],
        ]
    )
    refused = _upload(office, bad)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert "第3行「村/社区」：不能为空" in text and "第3行「纬度」：应为数字" in text
    assert (
        "第4行「纬度」：地址坐标不在" in text and "第5行「小区或门牌范围」：与前面的行重复" in text
    )
    assert "未导入任何数据" in text and _count(rworld) == 0
    assert _upload(office, _xlsx(GOOD[:1], ["乡镇", "村"])).status_code == 422  # type: ignore[attr-defined]
    assert _upload(office, b"not a workbook").status_code == 422  # type: ignore[attr-defined]

    ok = _upload(office, _xlsx(GOOD))
    assert ok.status_code == 303 and _count(rworld) == 3  # type: ignore[attr-defined]
    moved = [[*GOOD[0][:3], 35.6910, 112.1870], *GOOD[1:]]
    assert _upload(office, _xlsx(moved)).status_code == 303 and _count(rworld) == 3  # type: ignore[attr-defined]
    with rworld.db.sessions() as s:
        row = s.scalars(select(AddressEntry).where(AddressEntry.place == "杏园小区1-12号楼")).one()
        assert (row.lat, row.lon, row.initials) == (35.6910, 112.1870, "lgzxysqxyxq1-12hl")
    listed = office.get("/recycling/addresses", params={"q": "jfz"}).text
    assert "李庄村1-120号" in listed and "杏园小区" not in listed
    consumer = builders.web_client(rworld.db, "consumer.140521")
    assert consumer.get("/recycling/addresses").status_code == 403


def test_resident_books_by_address_without_coordinates(rworld: RWorld) -> None:
    with rworld.db.unit_of_work() as s:
        addresses.add_entries(s, "140521", [addresses.EntryIn(*row) for row in GOOD])  # type: ignore[arg-type]
    consumer = builders.web_client(rworld.db, "consumer.140521")
    page = consumer.get("/recycling/book").text
    assert 'name="lat"' not in page and 'name="lon"' not in page and "使用我的位置" in page
    assert '<script src="/static/address.js" defer></script>' in page and "<script>" not in page
    found = consumer.get("/recycling/book", params={"q": "mhsq"}).text
    assert "梅河街1-80号" in found and "杏园小区1-12号楼" not in found
    entry_id = found.split('<option value="', 2)[2].split('"')[0]
    form = {
        "csrf_token": _csrf(page),
        "address_id": entry_id,
        "house_no": "",
        "phone": "13800138000",
        "service_date": rworld.day.isoformat(),
        "slot": "09:00-11:00",
        "category0": "refrigerator",
        "count0": "1",
        "weight0": "60",
        "condition0": "intact",
    }
    missing = consumer.post("/recycling/book", data=form)
    assert missing.status_code == 422 and "门牌号：请填写门牌号" in missing.text
    wrong = consumer.post(
        "/recycling/book", data={**form, "address_id": "999999", "house_no": "3号楼"}
    )
    assert wrong.status_code == 422 and "小区或门牌：请从地址库中选择" in wrong.text
    with rworld.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 0
    ok = consumer.post("/recycling/book", data={**form, "house_no": "3号楼2单元501"})
    assert ok.status_code == 303
    with rworld.db.sessions() as s:
        booking = s.scalars(select(Booking)).one()
        assert booking.address == "龙港镇梅河社区梅河街1-80号3号楼2单元501"
        assert (booking.lat, booking.lon) == (35.6950, 112.1900)
        booking_id = booking.id
    no_phone = consumer.post("/recycling/book", data={**form, "house_no": "1号", "phone": ""})
    assert no_phone.status_code == 422 and "联系电话：" in no_phone.text
    recycler = builders.web_client(rworld.db, "recycler.140521")
    request = recycler.build_request("GET", f"/recycling/bookings/{booking_id}/call")
    call = recycler._transport.handle_request(request)  # httpx cannot follow a tel: target
    assert call.status_code == 303 and call.headers["location"] == "tel:13800138000"
    assert consumer.get(f"/recycling/bookings/{booking_id}/call").status_code == 403
    with rworld.db.sessions() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "recycling.phone_revealed")
            )
            == 1
        )


def test_demo_ships_an_address_book_per_county() -> None:
    for code in demo.AREAS:
        book = demo.address_book(code)
        assert len(book) == 24 and len({(e.township, e.village, e.place) for e in book}) == 24
    first = demo.address_book("140521")[0]
    assert (first.township, first.village, first.place) == (
        "龙港镇",
        "杏园社区",
        "杏园小区1-12号楼",
    )
    assert addresses.initials("端氏镇坪上村") == "dszpsc"
