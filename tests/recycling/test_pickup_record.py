"""What a completed pickup leaves behind stays reachable: the pickup page shows weighing,
payment, certificates (number, code, QR of the public check) and the reverse invoice or
its form; a refused invoice keeps the form and can be retried; the consumer's bookings
show the weighed weight, the amount paid and the certificates; a merchant reaching the
public check gets the redemption form with the certificate filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

import builders
from huanxin.core import identifiers
from huanxin.recycling.models import ReverseInvoice

if TYPE_CHECKING:
    from conftest import RWorld

GOOD_ID = "11010519491231002X"


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def _invoices(world: RWorld) -> int:
    with world.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(ReverseInvoice)) or 0)


def test_pickup_page_keeps_record_and_invoice_can_be_retried(rworld: RWorld) -> None:
    done = rworld.completed()
    booking_id, pickup_id = done["booking"]["id"], done["pickup_id"]  # type: ignore[index]
    certs = done["certificates"]
    recycler = builders.web_client(rworld.db, "recycler.140521")
    page = recycler.get(f"/recycling/pickup/{booking_id}")
    assert page.status_code == 200
    assert "称重 123.85 千克，实付 124.59 元" in page.text and "微信（流水号 WX1）" in page.text
    for cert in certs:  # type: ignore[attr-defined]
        assert f'<span class="cert-no">{cert["number"]}</span>' in page.text
        assert f'<span class="cert-code">{cert["code"]}</span>' in page.text
    assert page.text.count('<svg role="img"') == 2 and "cdn" not in page.text.lower()
    assert 'id="invoice-form"' in page.text

    bad_id = GOOD_ID[:-1] + "1"  # wrong check digit
    form = {"csrf_token": _csrf(page.text), "seller_name": "王大妈", "seller_resident_id": bad_id}
    refused = recycler.post(f"/recycling/pickups/{pickup_id}/invoice", data=form)
    assert refused.status_code == 422
    assert "出售人身份证号码：" in refused.text and 'value="王大妈"' in refused.text
    assert f'value="{bad_id}"' in refused.text and 'id="invoice-form"' in refused.text
    assert "称重 123.85 千克" in refused.text and _invoices(rworld) == 0

    retried = recycler.post(
        f"/recycling/pickups/{pickup_id}/invoice", data={**form, "seller_resident_id": GOOD_ID}
    )
    assert retried.status_code == 303 and _invoices(rworld) == 1
    again = recycler.get(retried.headers["location"]).text
    assert "发票号码：FX" in again and "金额：124.59 元" in again
    assert 'id="invoice-form"' not in again and "反向发票已开具" in again
    assert identifiers.mask_resident_id(GOOD_ID) not in again and GOOD_ID not in again

    office = builders.web_client(rworld.db, "office.140521").get(f"/recycling/pickup/{booking_id}")
    assert office.status_code == 200 and "发票号码：FX" in office.text
    assert "完成并付款" not in office.text and 'id="invoice-form"' not in office.text


def test_consumer_sees_weighed_paid_and_certificates(rworld: RWorld) -> None:
    done = rworld.completed()
    booking_id = done["booking"]["id"]  # type: ignore[index]
    cert = done["certificates"][0]  # type: ignore[index]
    consumer = builders.web_client(rworld.db, "consumer.140521")
    page = consumer.get("/recycling/book").text
    row = page.split(f'<tr data-id="{booking_id}">')[1].split("</tr>")[0]
    assert (
        '<span class="weighed">123.85</span>' in row and '<span class="paid">124.59</span>' in row
    )
    assert "回收证明 2 份" in row
    assert f'<span class="cert-no">{cert["number"]}</span>' in page
    assert f'<span class="cert-code">{cert["code"]}</span>' in page
    check = f"/recycling/certificate?number={cert['number']}&amp;code={cert['code']}"
    assert f'href="{check}"' in page
    other = builders.web_client(rworld.db, "consumer.371525").get("/recycling/book").text
    assert cert["number"] not in other


def test_public_check_shows_qr_and_merchant_gets_prefilled_redemption(rworld: RWorld) -> None:
    cert = rworld.completed()["certificates"][0]  # type: ignore[index]
    params = {"number": cert["number"], "code": cert["code"]}
    anonymous = builders.client(rworld.db).get("/recycling/certificate", params=params)
    assert anonymous.status_code == 200 and 'id="cert-qr"' in anonymous.text
    assert "山西省晋城市沁水县" in anonymous.text and 'id="use-cert"' not in anonymous.text
    with rworld.db.unit_of_work() as s:
        builders.create_user(s, "merchant", "140521")
    merchant = builders.web_client(rworld.db, "merchant.140521")
    page = merchant.get("/recycling/certificate", params=params).text
    link = page.split('id="use-cert" href="')[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/merchant/redeem?")
    form = merchant.get(link).text
    assert f'name="recycling_cert_no" value="{cert["number"]}"' in form
    assert f'name="recycling_cert_code" value="{cert["code"]}"' in form
