from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField

from ..forms import Form as FlaskForm


class RosterUploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách lớp (.xlsx hoặc .csv)",
        validators=[
            FileRequired("Hãy chọn tệp danh sách lớp."),
            FileAllowed(["xlsx", "csv"], "Chỉ nhận tệp Excel .xlsx hoặc .csv."),
        ],
    )


class RosterConfirmForm(FlaskForm):
    token = HiddenField()
