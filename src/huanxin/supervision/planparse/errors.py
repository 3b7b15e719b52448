"""Failures of the implementation-plan importer, each with a status and a Chinese message."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import DomainError


class PlanImportCode(StrEnum):
    """Stable codes of the plan import's failures (``PlanImportErrorCode`` in OpenAPI)."""

    PLAN_IMPORT_ERROR = "plan_import_error"
    PLAN_NO_TEXT_LAYER = "plan_no_text_layer"
    PLAN_NOT_A_PLAN = "plan_not_a_plan"
    PLAN_UNSUPPORTED_FORMAT = "plan_unsupported_format"
    PLAN_UNREADABLE_FILE = "plan_unreadable_file"


class PlanImportError(DomainError):
    """Base of every plan-import failure: the file was read but nothing was imported."""

    status = 422
    code = PlanImportCode.PLAN_IMPORT_ERROR


class NoTextLayer(PlanImportError):
    """A PDF whose pages carry no extractable text (a scan) and OCR is missing or read nothing."""

    code = PlanImportCode.PLAN_NO_TEXT_LAYER

    def __init__(self, name: str, *, ocr_tried: bool = False) -> None:
        if ocr_tried:
            message = (
                f"文件“{name}”没有文本层（扫描件），文字识别（OCR）未能读出内容，"
                "请上传更清晰的扫描件，或含文本层的PDF、Word文件。"
            )
        else:
            message = (
                f"文件“{name}”没有文本层（扫描件），本机未安装文字识别（OCR）组件"
                "（tesseract 及简体中文语言包），无法导入。请上传含文本层的PDF或Word文件，"
                "或先完成文字识别后再导入。"
            )
        super().__init__(message, field="file")


class NotAPlan(PlanImportError):
    """The text has no numbered task structure (一、/（一）/1.) to import."""

    code = PlanImportCode.PLAN_NOT_A_PLAN

    def __init__(self, name: str) -> None:
        super().__init__(
            f"文件“{name}”不是实施方案：未找到编号的任务结构（如“一、”“（一）”“1.”），无法导入。",
            field="file",
        )


class UnsupportedFormat(PlanImportError):
    """The file extension is not one of .txt, .docx, .pdf."""

    status = 415
    code = PlanImportCode.PLAN_UNSUPPORTED_FORMAT

    def __init__(self, name: str) -> None:
        super().__init__(
            f"不支持的文件格式：“{name}”。请上传 .txt、.docx 或含文本层的 .pdf 文件。",
            field="file",
        )


class UnreadableFile(PlanImportError):
    """The file exists but could not be decoded or opened."""

    code = PlanImportCode.PLAN_UNREADABLE_FILE

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"无法读取文件“{name}”：{reason}", field="file")
