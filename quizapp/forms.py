"""The base form: WTForms ships no Vietnamese, so its built-in messages are translated here."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from .extensions import db
from .services.org import GRADES

MESSAGES = {
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Not a valid choice": "Lựa chọn không hợp lệ.",
    "This field is required.": "Ô này không được để trống.",
    "Not a valid integer value.": "Cần nhập một số nguyên.",
    "Not a valid date value.": "Ngày không hợp lệ (dạng dd/mm/yyyy).",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Hai ô phải giống nhau.",
}


class _Vietnamese:
    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Vietnamese()


class TargetForm(Form):
    """A target for one year: grades, share to reach, deadline, whether staff count (school and unit pages)."""

    grade_6 = BooleanField("Khối 6")
    grade_7 = BooleanField("Khối 7", default=True)
    grade_8 = BooleanField("Khối 8", default=True)
    grade_9 = BooleanField("Khối 9")
    percent = IntegerField(
        "Tỉ lệ cần đạt (%)",
        default=100,
        validators=[InputRequired(), NumberRange(1, 100, "Tỉ lệ phải từ 1 đến 100.")],
    )
    deadline = DateField("Hạn hoàn thành", format=["%Y-%m-%d", "%d/%m/%Y"], validators=[InputRequired()])
    include_staff = BooleanField("Tính cả cán bộ, giáo viên, nhân viên", default=True)

    def grades(self) -> list[int]:
        return [g for g in GRADES if self[f"grade_{g}"].data]


def refuse(form: Form, error: Exception) -> None:
    """A rule of the services refused the change: undo it and show the message above the form."""
    db.session.rollback()
    form.form_errors.append(str(error))
