"""The base form: WTForms ships no Vietnamese, so its built-in messages are translated here."""

from flask_wtf import FlaskForm

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
