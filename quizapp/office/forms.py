"""The office's forms: units, schools, their admins, targets (the pages are in manage.py)."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import MESSAGES, Form, TargetForm

INVALID_CHOICE = MESSAGES["Not a valid choice."]  # "Lựa chọn không hợp lệ."


class UnitForm(Form):
    parent_id = SelectField("Thuộc đơn vị", coerce=int, invalid_value_message=INVALID_CHOICE)
    code = StringField("Mã đơn vị", validators=[DataRequired(), Length(max=40)], description="Ví dụ: P-THANHXUAN")
    name = StringField("Tên đơn vị", validators=[DataRequired(), Length(max=200)])


class SchoolForm(Form):
    unit_id = SelectField("Thuộc đơn vị", coerce=int, invalid_value_message=INVALID_CHOICE)
    code = StringField("Mã trường", validators=[DataRequired(), Length(max=40)], description="Ví dụ: THCS-NHANCHINH")
    name = StringField("Tên trường", validators=[DataRequired(), Length(max=200)])


class SchoolAdminForm(Form):
    school_id = SelectField("Trường", coerce=int, invalid_value_message=INVALID_CHOICE)
    full_name = StringField("Họ và tên", validators=[DataRequired(), Length(max=120)])
    username = StringField("Tên đăng nhập (để trống để tự tạo)", validators=[Optional(), Length(max=60)])


class UnitAdminForm(Form):
    unit_id = SelectField("Đơn vị", coerce=int, invalid_value_message=INVALID_CHOICE)
    full_name = StringField("Họ và tên", validators=[DataRequired(), Length(max=120)])
    username = StringField("Tên đăng nhập (để trống để tự tạo)", validators=[Optional(), Length(max=60)])


class ScopedTargetForm(TargetForm):
    scope = SelectField("Áp dụng cho")  # "u<id>" for a unit, "s<id>" for a school
