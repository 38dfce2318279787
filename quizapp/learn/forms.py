"""Learner forms: recording a relative the student guided."""

from __future__ import annotations

from wtforms import DateField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from ..forms import Form
from ..services import outreach
from ..services.outreach import NOTE_MAX, RELATIONS, SERVICES, date_problem, note_problem
from ..services.vietnamese import normalize_text

_PICK = SelectChoice("", "— Chọn —")


class OutreachForm(Form):
    relation = SelectField(
        "Người thân em đã hướng dẫn",
        choices=[_PICK, *[SelectChoice(r) for r in RELATIONS]],
        validators=[DataRequired("Hãy chọn người thân em đã hướng dẫn.")],
    )
    service = SelectField(
        "Em đã hướng dẫn việc gì",
        choices=[_PICK, *[SelectChoice(s) for s in SERVICES]],
        validators=[DataRequired("Hãy chọn việc em đã hướng dẫn.")],
    )
    helped_on = DateField("Ngày hướng dẫn", validators=[DataRequired("Hãy chọn ngày em hướng dẫn.")])
    note = TextAreaField(
        "Ghi chú (không bắt buộc)",
        filters=[normalize_text],
        render_kw={"maxlength": NOTE_MAX, "rows": 3},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.earliest = outreach.vietnam_today(), outreach.year_start()
        limits = {"max": self.today.isoformat()}
        if self.earliest:
            limits["min"] = self.earliest.isoformat()
        self.helped_on.render_kw = limits  # the browser's date picker greys out impossible days

    def validate_helped_on(self, field) -> None:
        if field.data and (problem := date_problem(field.data, self.today, self.earliest)):
            raise ValidationError(problem)

    def validate_note(self, field) -> None:
        if problem := note_problem(field.data or ""):
            raise ValidationError(problem)
