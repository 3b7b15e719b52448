"""Real .docx and .pdf inputs (generated here), the error paths, and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from tests.supervision.conftest import SEEDS, gold, seed_text
from typer.testing import CliRunner

from bench.plans import run_bench
from huanxin.supervision.cli import plan_app
from huanxin.supervision.planparse import (
    NotAPlan,
    NoTextLayer,
    UnsupportedFormat,
    parse_plan,
)


def _write_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for cells, row in zip(rows, table.rows, strict=True):
                for value, cell in zip(cells, row.cells, strict=False):
                    cell.text = value
            rows = []
        cleaned = re.sub(r"^#+\s*", "", line).replace("**", "").strip()
        if cleaned:
            document.add_paragraph(cleaned)
    document.save(str(path))


def _cjk_font() -> object:
    import mplfonts
    from matplotlib.font_manager import FontProperties

    return FontProperties(
        fname=str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf")
    )


def _write_text_pdf(text: str, path: Path, *, width: int = 36, per_page: int = 50) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    matplotlib.rcParams["pdf.fonttype"] = 42
    lines: list[str] = []
    for paragraph in (p.strip() for p in text.splitlines()):
        lines += [paragraph[i : i + width] for i in range(0, len(paragraph), width)]
    font = _cjk_font()
    with PdfPages(path) as pdf:
        for page, start in enumerate(range(0, len(lines), per_page), start=1):
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines[start : start + per_page]):
                fig.text(0.08, 0.95 - i * 0.018, line, fontproperties=font, fontsize=9)
            fig.text(0.45, 0.02, f"— {page} —", fontproperties=font, fontsize=9)
            pdf.savefig(fig)
            plt.close(fig)


def test_docx_with_a_real_table_scores_like_the_text(
    shared_dir: Path, scorer: ModuleType, tmp_path: Path
) -> None:
    name = SEEDS[0]
    path = tmp_path / "plan.docx"
    _write_docx(seed_text(shared_dir, name), path)
    plan = parse_plan(path)
    result = scorer.score(gold(shared_dir, name), plan)
    assert len(plan["appendix_tasks"]) == 15
    assert result["tasks"]["f1"] >= 0.95
    assert result["units"]["f1"] >= 0.95
    assert result["targets"]["f1"] >= 0.90


@pytest.mark.slow
def test_text_pdf_with_hard_wraps_and_page_numbers(
    shared_dir: Path, scorer: ModuleType, tmp_path: Path
) -> None:
    name = SEEDS[2]
    path = tmp_path / "plan.pdf"
    _write_text_pdf(seed_text(shared_dir, name), path)
    result = scorer.score(gold(shared_dir, name), parse_plan(path))
    assert result["tasks"]["f1"] >= 0.95
    assert result["units"]["f1"] >= 0.95
    assert result["targets"]["f1"] >= 0.90


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path = tmp_path / "scan.pdf"
    fig = plt.figure(figsize=(4, 4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(np.random.default_rng(0).random((50, 50)))
    ax.axis("off")
    fig.savefig(path, format="pdf")
    plt.close(fig)
    with pytest.raises(NoTextLayer) as caught:
        parse_plan(path)
    assert caught.value.status == 422
    assert "没有文本层" in caught.value.message
    assert "OCR" in caught.value.message


def test_text_without_numbered_structure_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("关于召开会议的通知\n请各单位于周五下午三点到会议室开会。\n", encoding="utf-8")
    with pytest.raises(NotAPlan) as caught:
        parse_plan(path)
    assert "不是实施方案" in caught.value.message


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(UnsupportedFormat) as caught:
        parse_plan(path)
    assert caught.value.status == 415
    assert ".docx" in caught.value.message


def test_gbk_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("一、重点任务\n（一）推动设备更新。（县工信局负责）\n".encode("gb18030"))
    plan = parse_plan(path)
    assert plan["tasks"] == [
        {
            "ref": "一/（一）",
            "title": "推动设备更新",
            "lead_units": ["县工信局"],
            "support_units": [],
            "shared_responsibility": False,
            "quote": "推动设备更新。（县工信局负责）",
        }
    ]


def test_cli_json_and_summary(shared_dir: Path) -> None:
    path = shared_dir / "seeds" / f"{SEEDS[2]}.txt"
    runner = CliRunner()
    as_json = runner.invoke(plan_app, ["import", str(path), "--json"])
    assert as_json.exit_code == 0
    plan = json.loads(as_json.output)
    assert plan["document"]["doc_number"] == "冠政发〔2024〕4号"
    assert len(plan["tasks"]) == 32
    summary = runner.invoke(plan_app, ["import", str(path)])
    assert summary.exit_code == 0
    assert "任务 32 项" in summary.output


def test_cli_reports_domain_errors_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("没有编号的普通文字。\n", encoding="utf-8")
    result = CliRunner().invoke(plan_app, ["import", str(path)])
    assert result.exit_code == 1
    assert "不是实施方案" in result.output


def test_bench_reports_every_gold_plan(shared_dir: Path) -> None:
    report = run_bench(shared_dir / "seeds", shared_dir / "seeds" / "gold")
    plans = report["plans"]
    assert isinstance(plans, list)
    assert sorted(p["file"] for p in plans) == sorted(f"{n}.txt" for n in SEEDS)
    assert all(p["scores"]["tasks"]["f1"] >= 0.95 for p in plans)
