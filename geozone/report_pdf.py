"""The server-made PDF of a stored report, with its signature, QR code and signed payload.

Same content as the HTML report (``api/templates/report.html``): report id, permalink,
query, territory, every verdict with its deciding zone, rule and citation, every hit,
the layer versions used, the date, the synthetic-data notice; plus the Ed25519 signature
and key id (:mod:`geozone.signing`) and a QR code of the permalink, drawn as vector
squares (``segno`` computes the matrix).

Why reportlab: it installs from PyPI alone (wheels, no system library) and draws Chinese
with its built-in CID font ``STSong-Light`` (Adobe-GB1), which PDF readers supply
themselves, so ``make run`` needs no font package and the PDF stays small (~10 KB). fpdf2
would need a TrueType CJK font file on the server. The Latin parts (ids, signature,
numbers) use the standard Helvetica/Courier fonts so they extract as plain text.

Verification data travels inside the PDF twice: the signed report download
(:func:`geozone.signing.envelope`) is embedded as the file attachment
``geozone-report-<id>.json`` (what ``geozone report verify`` and ``POST
/api/v1/reports/verify`` read), and the document information carries
``/GeozoneReportId``, ``/GeozoneKeyId`` and ``/GeozoneSignature`` for quick inspection.
:func:`signed_payload` reads the attachment back (``pypdf``).

reportlab and pypdf are imported only when a PDF is made or read.
"""

from __future__ import annotations

import io
import threading
from typing import Any
from xml.sax.saxutils import escape

from geozone.errors import InvalidInput
from geozone.signing import Signature, envelope

CJK_FONT = "STSong-Light"
_RENDER = threading.Lock()
"""reportlab keeps module-level state (fonts, rl_config): one PDF is drawn at a time."""
ATTACHMENT_PREFIX = "geozone-report-"
VERDICT_ZH = {
    "prohibited": "禁止",
    "conditional": "有条件允许",
    "permitted": "允许",
    "outside": "范围外",
}


_NOT_IN_FONT = {"²": "<super>2</super>", "·": "|", "°": " deg ", "ü": "ue"}
"""Characters STSong-Light (GB 2312 repertoire) lacks, and what the PDF shows instead."""


def attachment_name(report_id: str) -> str:
    """File name of the signed payload attached to a report's PDF."""
    return f"{ATTACHMENT_PREFIX}{report_id}.json"


def _fmt(value: Any, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def render_pdf(
    answer: dict[str, Any],
    answer_json: str,
    *,
    created_at: str,
    permalink: str,
    signature: Signature | None,
    kinds: dict[str, dict[str, str]],
) -> bytes:
    """The A4 PDF report of one stored answer.

    Parameters
    ----------
    answer
        The stored answer (parsed); ``answer_json`` its exact stored text (signed).
    created_at
        When the answer was first stored (RFC 3339 UTC).
    permalink
        The report's public URL (the QR code encodes it).
    signature
        The stored signature, or ``None`` for a report stored before signing.
    kinds
        zh/en names of layer kinds by code (:func:`geozone.vocab.labels`).
    """
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

    with _RENDER:
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=8.5, leading=11, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    mono = ParagraphStyle("mono", fontName="Courier", fontSize=7.5, leading=9, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=body, fontSize=14, leading=18, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=body, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3)
    banner = ParagraphStyle(
        "banner", parent=body, textColor=colors.HexColor("#b00000"), borderColor=colors.red,
        borderWidth=1.2, borderPadding=4, spaceBefore=4, spaceAfter=8, fontSize=9.5,
    )  # fmt: skip

    def p(text: Any, style: ParagraphStyle = body) -> Paragraph:
        markup = escape(str(text)).replace("\n", "<br/>")
        for char, plain in _NOT_IN_FONT.items():
            markup = markup.replace(char, plain)
        return Paragraph(markup, style)

    def table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
        t = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
        else:
            style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f6f6f6")))
        t.setStyle(style)
        return t

    class QRCode(Flowable):  # type: ignore[misc]
        """The permalink as a QR code of vector squares (4-module quiet zone)."""

        def __init__(self, text: str, size: float) -> None:
            super().__init__()
            import segno

            self.matrix = segno.make(text, error="m", micro=False).matrix
            self.size = size
            self.width = self.height = size

        def draw(self) -> None:
            n = len(self.matrix) + 8
            module = self.size / n
            canvas = self.canv
            canvas.setFillColor(colors.white)
            canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
            for r, row in enumerate(self.matrix):
                for c, dark in enumerate(row):
                    if dark:
                        x = (c + 4) * module
                        y = self.size - (r + 5) * module
                        canvas.rect(x, y, module, module, stroke=0, fill=1)

    def kind_name(code: str | None) -> str:
        kind = kinds.get(code or "")
        return f"{kind['zh']} / {kind['en']}" if kind else str(code or "")

    report_id = str(answer.get("report_id"))
    q = answer.get("query") or {}
    admin = answer.get("admin") or {}
    layerset = answer.get("layerset") or {}
    story: list[Any] = [p("生态分区合规查询报告 / Ecological zoning lookup report", h1)]
    if answer.get("synthetic"):
        story.append(
            p(
                "合成演示数据，非官方边界，不得用于审批 / SYNTHETIC DEMO DATA: not official "
                "boundaries, not for permit decisions.",
                banner,
            )
        )
    query_text = f"{q.get('type')}; CRS {q.get('crs')}; tolerance {q.get('tolerance_m')} m"
    if q.get("area_m2") is not None:
        query_text += f"; {_fmt(q.get('area_m2'))} m²"
    geometry = q.get("geometry") or {}
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        query_text += f"; point {lon}, {lat} (WGS84)"
    territory = "inside 在辖区内" if answer.get("inside_territory") else "outside 不在辖区内"
    for unit in (admin.get("district"), admin.get("township")):
        if unit:
            territory += f"; {unit.get('name')} ({unit.get('code')})"
    meta = [
        [p("Report id 报告编号"), p(report_id, mono)],
        [p("Permalink 永久链接"), p(permalink, mono)],
        [p("Asked 查询时间"), p(created_at)],
        [p("As of 适用日期"), p(answer.get("as_of"))],
        [p("Query 查询对象"), p(query_text)],
        [p("Territory 辖区"), p(territory)],
        [
            p("Layer set 图层集"),
            p(
                f"{layerset.get('id')} {layerset.get('version')} ({layerset.get('hash')}); "
                f"rules {answer.get('rules_version')}; geozone {answer.get('geozone_version')}"
            ),
        ],
    ]
    story.append(table(meta, [38, 144], header=False))

    story.append(p("Verdicts 结论", h2))
    rows: list[list[Any]] = [
        [p(h) for h in ("Activity 活动", "Verdict 结论", "Decided by 依据图斑", "Condition 条件",
                        "Citation 法规依据")]
    ]  # fmt: skip
    for v in answer.get("verdicts") or []:
        decided = v.get("decided_by")
        citation = v.get("citation")
        cite = "—"
        if citation:
            cite = f"{citation.get('document')} {citation.get('article')}"
            if citation.get("jurisdiction"):
                j = citation["jurisdiction"]
                cite += f"\n适用地域 Jurisdiction: {j.get('name_zh')} / {j.get('name_en')}"
            if citation.get("url"):
                cite += f"\n{citation['url']}"
        if v.get("rule_id"):
            cite += f"\nrule {v['rule_id']}"
        for part in v.get("parts") or []:
            district = (part.get("district") or {}).get("name", "—")
            cite += f"\n{district}: {VERDICT_ZH.get(part.get('verdict'), '')} {part.get('verdict')}"
        rows.append(
            [
                p(f"{v.get('activity_zh')}\n{v.get('activity_en')} ({v.get('activity')})"),
                p(f"{VERDICT_ZH.get(v.get('verdict'), '')}\n{v.get('verdict')}"),
                p(
                    f"{decided.get('class_zh')} / {decided.get('class_en')}\n"
                    f"{decided.get('layer_id')}:{decided.get('feature_id')}"
                    if decided
                    else "—"
                ),
                p(f"{v.get('condition_zh')}\n{v.get('condition_en')}" if v.get("condition_zh")
                  else "—"),
                p(cite, small),
            ]
        )  # fmt: skip
    story.append(table(rows, [34, 22, 40, 40, 46]))

    story.append(p("Zones hit 命中图斑", h2))
    hits = answer.get("hits") or []
    if hits:
        rows = [
            [p(h) for h in ("Layer 图层", "Feature 图斑", "Class 类别", "Inside 位于内",
                            "Edge 边界", "To boundary 距边界", "Overlap 重叠")]
        ]  # fmt: skip
        for h in hits:
            overlap = "—"
            if h.get("overlap_m2") is not None:
                share = 100 * (h.get("overlap_share") or 0)
                overlap = f"{_fmt(h['overlap_m2'])} m² ({share:.1f} %)"
            rows.append(
                [
                    p(f"{h.get('layer_title_zh')}\n{kind_name(h.get('layer_kind'))} · "
                      f"{h.get('layer_id')} v{h.get('layer_version')}", small),
                    p(f"{h.get('name') or ''}\n{h.get('feature_id')}", small),
                    p(f"{h.get('class_zh')}\n{h.get('class_en')}", small),
                    p("yes 是" if h.get("inside") else "no 否"),
                    p("yes 是" if h.get("edge") else "no 否"),
                    p(f"{_fmt(h.get('distance_to_boundary_m'))} m"),
                    p(overlap, small),
                ]
            )  # fmt: skip
        story.append(table(rows, [40, 30, 34, 16, 14, 20, 28]))
    else:
        story.append(p("No zone covers the query or lies within the tolerance. 未命中任何图斑。"))

    if answer.get("warnings"):
        story.append(p("Warnings 提示", h2))
        story.extend(p(f"• {w}") for w in answer["warnings"])

    story.append(p("Layer versions used 使用的图层版本", h2))
    rows = [[p(h) for h in ("Layer 图层", "Kind 类型", "Version 版本", "Synthetic 合成")]]
    for layer in answer.get("layers") or []:
        rows.append(
            [
                p(layer.get("id")),
                p(kind_name(layer.get("kind"))),
                p(layer.get("key"), mono),
                p("yes 是" if layer.get("synthetic") else "no 否"),
            ]
        )
    story.append(table(rows, [40, 70, 52, 20]))

    story.append(p("Signature 数字签名", h2))
    sig_rows = [
        [
            p("Algorithm 算法"),
            p("Ed25519 over 'geozone-report-v1\\n' + report id + '\\n' + answer bytes"),
        ],
        [p("Key id 密钥编号"), p(signature.key_id if signature else "unsigned 未签名", mono)],
        [p("Signature 签名"), p(signature.signature if signature else "—", mono)],
        [p("Verify 验证"), p(f"geozone report verify FILE  ·  {permalink.split('?')[0]}/verify")],
    ]
    sig_table = table(sig_rows, [28, 114], header=False)
    story.append(Table([[sig_table, QRCode(permalink, 36 * mm)]], colWidths=[144 * mm, 38 * mm]))
    story.append(Spacer(1, 4 * mm))
    footer = (
        f"Generated by geozone {answer.get('geozone_version')}. Areas in m² and distances in "
        "metres are measured in EPSG:4548 (CGCS2000 / 3-degree Gauss-Krüger CM 117°E). The "
        f"signed answer is attached to this PDF as {attachment_name(report_id)}."
    )
    if answer.get("synthetic"):
        footer += " The layers are synthetic demo data drawn on real district outlines."
    story.append(p(footer, small))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=f"geozone report {report_id}",
        author="geozone",
        subject=f"geozone report {report_id}",
        keywords=f"geozone report {report_id}",
        creator="geozone",
    )
    with _RENDER:
        doc.build(story)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.add_metadata(
        {
            "/GeozoneReportId": report_id,
            "/GeozoneKeyId": signature.key_id if signature else "",
            "/GeozoneSignature": signature.signature if signature else "",
            "/GeozonePermalink": permalink,
        }
    )
    writer.add_attachment(attachment_name(report_id), envelope(report_id, answer_json, signature))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_payload(pdf: bytes) -> bytes:
    """The signed report file attached to a geozone PDF report.

    Raises
    ------
    InvalidInput
        If the PDF cannot be read or carries no geozone attachment.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(pdf))
        attachments = reader.attachments
        for name, contents in attachments.items():
            if name.startswith(ATTACHMENT_PREFIX) and name.endswith(".json") and contents:
                return bytes(contents[0])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"the PDF cannot be read: {exc}") from None
    raise InvalidInput("the PDF carries no geozone signed report (no attachment)")
