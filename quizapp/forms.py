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
    "'%(value)s' is not a valid choice for this field.": "Lựa chọn không hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Lựa chọn không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không được là: %(values)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày không được trước %(min)s.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải trong khoảng %(min)s đến %(max)s.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid decimal value.": "Cần nhập một số (dùng dấu phẩy hoặc dấu chấm cho phần thập phân).",
    "Not a valid float value.": "Cần nhập một số (dùng dấu phẩy hoặc dấu chấm cho phần thập phân).",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid URL.": "Địa chỉ trang web không hợp lệ.",
    "CSRF token missing.": "Biểu mẫu thiếu mã bảo vệ: hãy tải lại trang rồi gửi lại.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn: hãy tải lại trang rồi gửi lại.",
    "Invalid CSRF Token.": "Biểu mẫu không hợp lệ: hãy tải lại trang rồi gửi lại.",
    "CSRF failed.": "Biểu mẫu không hợp lệ: hãy tải lại trang rồi gửi lại.",
    "File does not have an approved extension.": "Loại tệp này không được nhận.",
    "File does not have an approved extension: {extensions}": "Chỉ nhận tệp có đuôi: {extensions}.",
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


class ConfirmForm(Form):
    """The one CSRF-only form: a POST button (confirm, delete, reset) protected by the CSRF token."""


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
