"""Login slips as an A4 PDF (ten to a page, cut along the dashed lines), for the command line.

The same slips as the web's printable page (services/slips.py): school and class, name, username, first
password, the login address and its QR code. The file holds passwords: the command writes it readable by
its owner only and says to delete it once printed.
"""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from .reports import FONT, FONT_DIR
from .slips import Slip

COLUMNS, ROWS = 2, 5
PAGE_W, PAGE_H, MARGIN = 210, 297, 10
SLIP_W, SLIP_H = (PAGE_W - 2 * MARGIN) / COLUMNS, (PAGE_H - 2 * MARGIN) / ROWS
PAD, QR = 4, 30


def slips_pdf(slips: list[Slip], title: str) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(title)
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font(FONT, style, str(FONT_DIR / f"{FONT}-{suffix}.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_draw_color(150, 150, 150)
    for index, slip in enumerate(slips):
        if index % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        cell = index % (COLUMNS * ROWS)
        x = MARGIN + (cell % COLUMNS) * SLIP_W
        y = MARGIN + (cell // COLUMNS) * SLIP_H
        _slip(pdf, slip, x, y)
    return bytes(pdf.output())


def _slip(pdf: FPDF, slip: Slip, x: float, y: float) -> None:
    with pdf.local_context():
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.rect(x, y, SLIP_W, SLIP_H)
    text_w = SLIP_W - QR - 3 * PAD
    left = x + PAD

    def line(text: str, style: str, size: float, height: float, width: float = text_w) -> None:
        pdf.set_font(FONT, style, size)
        pdf.set_x(left)
        pdf.multi_cell(width, height, text, align="L", new_x="LEFT", new_y="NEXT")

    pdf.set_xy(left, y + PAD)
    line(f"{slip.school} · Lớp {slip.class_name}", "", 9, 4.2)
    line(slip.full_name, "B", 12, 5.5)
    pdf.ln(1)
    line("Tên đăng nhập:", "", 9, 4.2)
    line(slip.username, "B", 13, 6)
    line("Mật khẩu:", "", 9, 4.2)
    line(slip.password, "B", 13, 6)
    # The address and the advice run the slip's full width, under the QR code.
    pdf.set_xy(left, y + SLIP_H - PAD - 12)
    line(f"Vào {slip.login_url.split('?')[0]} hoặc quét mã QR.", "", 8.5, 4, SLIP_W - 2 * PAD)
    line("Giữ bí mật mật khẩu, không đưa phiếu cho bạn khác.", "I", 8.5, 4, SLIP_W - 2 * PAD)
    line(f"Dữ liệu cá nhân của em: {slip.notice_url}", "", 8, 4, SLIP_W - 2 * PAD)
    png = io.BytesIO()
    segno.make(slip.login_url, error="m", micro=False).save(png, kind="png", scale=6, border=2)
    png.seek(0)
    pdf.image(png, x=x + SLIP_W - PAD - QR, y=y + PAD, w=QR, h=QR)
