from wtforms import SelectField

from ..forms import Form as FlaskForm


class AssignForm(FlaskForm):
    teacher_id = SelectField("Giáo viên", coerce=int)
    class_id = SelectField("Lớp", coerce=int)
