"""The school admin's forms: assignments, classes, teachers, the new year (pages in views.py and manage.py)."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import MESSAGES, Form
from ..services.org import GRADES

INVALID_CHOICE = MESSAGES["Not a valid choice."]  # "Lựa chọn không hợp lệ."


class ClassForm(Form):
    name = StringField("Tên lớp", validators=[DataRequired(), Length(max=20)])
    grade = SelectField(
        "Khối",
        coerce=int,
        choices=[SelectChoice(g, f"Khối {g}") for g in GRADES],
        default=7,
        invalid_value_message=INVALID_CHOICE,
    )


class TeacherForm(Form):
    full_name = StringField("Họ và tên", validators=[DataRequired(), Length(max=120)])
    username = StringField("Tên đăng nhập (để trống để tự tạo)", validators=[Optional(), Length(max=60)])


class NewYearForm(Form):
    to_year = SelectField("Năm học mới")


class AssignForm(Form):
    teacher_id = SelectField("Giáo viên", coerce=int)
    class_id = SelectField("Lớp", coerce=int)
