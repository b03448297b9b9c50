"""Build a WTForms form from a survey definition, and check its answers in plain words.

The form is built in one language (the survey's own translations, ``Text.in_language``);
its messages go through gettext (:mod:`app.i18n`), so they are in the reader's language.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..geodata.lookup import area_for_postcode, normalise_postcode
from ..i18n import _, current_language
from .definition import SurveyDefinition, localised
from .store import NOT_SAY, Submission


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def build_form_class(definition: SurveyDefinition, areas: list[tuple[str, str]],
                     example_postcode: str = "HR4 9BQ", lang: str = "en"):
    """A FlaskForm class with one field per question (and the postcode box for the area).

    ``example_postcode`` is shown in the hint and errors: one from the council's own
    postcode directory, so the example looks like where the young person lives.
    Labels are in ``lang`` (English where the survey has no translation); the words the
    app adds are in the request's language, which is ``lang`` (the cache is per language).
    """

    class SurveyForm(FlaskForm):
        submission_token = HiddenField()

    SurveyForm.example_postcode = example_postcode

    for q in definition.questions:
        label = localised(q.label, lang)
        kwargs = {"description": localised(q.help, lang) or "", "validate_choice": False,
                  "label": label if q.required or q.type == "area"
                  else _("%(question)s (optional)", question=label)}
        if q.type == "area":
            field = SelectField(choices=[("", _("Choose your town or village"))] + areas
                                + [(NOT_SAY, _("I'd rather not say"))], **kwargs)
            SurveyForm.postcode = StringField(
                _("Or type your postcode"),
                description=_("For example %(postcode)s. We only use it to find your area.",
                              postcode=example_postcode),
                render_kw={"autocomplete": "off", "spellcheck": "false",
                           "autocapitalize": "characters", "inputmode": "text"})
        elif q.type in ("single", "age_band", "rating"):
            field = RadioField(choices=[(o.value, localised(o.label, lang)) for o in q.choices()],
                               **kwargs)
        elif q.type == "multiple":
            field = MultiCheckboxField(choices=[(o.value, localised(o.label, lang))
                                                for o in q.options],
                                       **kwargs)
        else:
            kwargs.pop("validate_choice")
            field = TextAreaField(render_kw={"maxlength": q.max_length, "rows": 5},
                                  **kwargs)
        setattr(SurveyForm, q.id, field)
    return SurveyForm


def read_answers(form, definition: SurveyDefinition, session, level: str | None):
    """Check the answers.  Adds plain errors (in the reader's language) to the fields; returns a
    :class:`Submission` when everything is fine, else ``None``.

    The postcode is turned into an area code here and not kept anywhere.
    """
    ok = True
    answers: dict = {}
    area_level = area_code = age_band = None
    lang = current_language()

    def fail(field, message):
        nonlocal ok
        field.errors = list(field.errors) + [message]
        ok = False

    # Work out the answers first: show-if conditions depend on them.
    for q in definition.questions:
        data = form[q.id].data
        if q.type == "multiple":
            answers[q.id] = [v for v in (data or []) if v]
        elif q.type == "text":
            answers[q.id] = (data or "").strip() or None
        else:
            answers[q.id] = data or None

    unasked: dict = {}
    for q in definition.questions:
        field = form[q.id]
        value = answers[q.id]
        if not q.is_shown(answers):
            if q.type == "text" and value:  # typed anyway (JavaScript off): screened, not kept
                unasked[q.id] = value[:q.max_length]
            answers[q.id] = None  # not asked of this person: never stored
            continue
        if q.type == "area":
            raw_postcode = (form.postcode.data or "").strip()
            form.postcode.data = raw_postcode
            if value and value != NOT_SAY:
                if value not in dict(field.choices):
                    fail(field, _("Choose your town or village from the list"))
                else:
                    area_level, area_code = level, value
            elif raw_postcode and value != NOT_SAY:
                if normalise_postcode(raw_postcode) is None:
                    fail(form.postcode, _("Enter a postcode like %(postcode)s, or choose your "
                                          "town or village from the list",
                                          postcode=form.example_postcode))
                else:
                    area = area_for_postcode(session, raw_postcode, level) if level else None
                    if area is None:
                        fail(form.postcode, _("We could not find that postcode in our area. "
                                              "Check it, or choose your town or village from "
                                              "the list"))
                    else:
                        area_level, area_code = level, area.code
                        field.data = area.code  # shown as their choice if the page comes back
            elif value == NOT_SAY:
                pass
            elif q.required:
                fail(field, _("Choose your town or village, type your postcode, or choose "
                              "'I'd rather not say'"))
            # The postcode is never kept, not even on the form object.
            form.postcode.data = "" if area_code else raw_postcode
            continue
        valid = {o.value for o in q.choices()}
        if q.type == "multiple":
            if any(v not in valid for v in value):
                fail(field, _("Choose from the answers shown"))
            elif q.required and not value:
                fail(field, _("Choose at least one answer to: %(question)s",
                              question=localised(q.label, lang)))
        elif q.type == "text":
            if value and len(value) > q.max_length:
                fail(field, _("Your answer must be %(most)d characters or fewer. "
                              "It is %(length)d now", most=q.max_length, length=len(value)))
        else:
            if value is not None and value not in valid:
                fail(field, _("Choose one of the answers shown"))
            elif q.required and value is None:
                fail(field, _("Choose an answer to: %(question)s",
                              question=localised(q.label, lang)))
        if q.type == "age_band":
            age_band = value
    if not ok:
        return None
    return Submission(area_level=area_level, area_code=area_code, age_band=age_band,
                      answers=answers, unasked_text=unasked)
