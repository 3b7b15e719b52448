"""Pages show a jurisdiction by its name, never by its 区划 code (the ``place_name`` helper
every template has), and an organisation's kind by its Chinese label."""

from __future__ import annotations

import re

import builders
from equipment.eqkit import register
from huanxin.db import Database


def test_enterprise_list_names_the_jurisdiction_not_its_code(db: Database) -> None:
    ent = register(builders.api_client(db, "enterprise.140521"))
    page = builders.web_client(db, "department.140521").get("/equipment")
    assert page.status_code == 200
    row = re.search(rf'<tr><td><a href="/equipment/enterprises/{ent}">.*?</tr>', page.text)
    assert row is not None
    assert "<td>沁水县</td>" in row.group(0) and "<td>140521</td>" not in row.group(0)


def test_jurisdiction_page_labels_organisation_kinds(db: Database) -> None:
    page = builders.web_client(db, "office.140521").get("/admin/jurisdictions/140521")
    assert page.status_code == 200
    assert "<td>企业</td>" in page.text and "<td>enterprise</td>" not in page.text
