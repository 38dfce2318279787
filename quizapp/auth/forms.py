from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import Form as FlaskForm
from .passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Em chưa nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Em chưa nhập mật khẩu.")])
    remember = BooleanField("Ghi nhớ trên máy này (chỉ chọn khi dùng máy riêng)")
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Hãy nhập mật khẩu hiện tại.")])
    new = PasswordField(
        "Mật khẩu mới",
        validators=[
            DataRequired("Hãy nhập mật khẩu mới."),
            # Length, common passwords and the rest: passwords.password_problem, checked in the view.
            Length(max=MAX_LENGTH, message=f"Mật khẩu mới dài quá {MAX_LENGTH} ký tự."),
        ],
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[
            DataRequired("Hãy nhập lại mật khẩu mới."),
            EqualTo("new", "Hai lần nhập mật khẩu mới chưa giống nhau."),
        ],
    )
