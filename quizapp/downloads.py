"""One way to send a file download: any name (Vietnamese letters, quotes) reaches the browser intact."""

from __future__ import annotations

import io
import re

from flask import Response, send_file

# Path separators and control characters have no place in a file name (a newline would break the header).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\]+')


def clean_filename(name: str) -> str:
    return _UNSAFE.sub("-", name).strip(" .") or "tai-ve"


def send_download(data: bytes, filename: str, mimetype: str) -> Response:
    """An attachment named `filename`, never cached (exports hold children's names and results).

    Werkzeug writes `filename="<ASCII fallback>"` plus RFC 5987 `filename*=UTF-8''…` for other names.
    """
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=clean_filename(filename), max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response
