"""Form helpers shared by the apps.

Every form of the portal derives from `PortalForm` or `PortalModelForm`: their text fields
refuse control characters (`TextGuardMixin`; `tests/test_bad_input.py` holds that no form
class of the apps goes without it).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .text import MULTILINE_CONTROL_RE, SINGLE_LINE_CONTROL_RE
from .uploads import IMAGE_EXTENSIONS, validate_upload

# More people or households than the city has is a typing error; without a cap SQLite stores
# it and PostgreSQL fails on it (integer out of range) instead of answering with a form error.
MAX_COUNT = 10_000_000


def cap_counts(form, *names, maximum: int = MAX_COUNT) -> None:
    """Bound the form's count fields (people, households...) to a believable maximum."""
    for name in names:
        field = form.fields[name]
        field.validators.append(MaxValueValidator(maximum))
        field.widget.attrs["max"] = maximum


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: per field where it names one of the form's fields,
    otherwise as an error of the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


@deconstructible
class NoControlCharacters:
    """Refuse invisible control characters (one of them makes every .xlsx export of the value
    fail); `multiline` text keeps tab, line feed and carriage return."""

    message = _("不能包含不可见的控制字符（常见于从其他软件复制的文字），请删除后重新填写。")
    code = "control_character"

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        pattern = MULTILINE_CONTROL_RE if self.multiline else SINGLE_LINE_CONTROL_RE
        if isinstance(value, str) and pattern.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


def guard_text_fields(form) -> None:
    """Give each text field of `form` the control-character check (once): multi-line for a
    textarea, one-line otherwise. Password fields are left as typed."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        if any(isinstance(v, NoControlCharacters) for v in field.validators):
            continue
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(NoControlCharacters(multiline=multiline))


class TextGuardMixin:
    """For any form: its text fields refuse control characters. Applied when the form is
    cleaned, so that fields added in a form's `__init__` are covered too."""

    def full_clean(self):
        guard_text_fields(self)
        super().full_clean()


class UploadField(forms.FileField):
    """A file field whose own refusals say in plain Chinese what to do (Django's speak of
    "the form's encoding type"); `common.uploads.validate_upload` checks the file itself."""

    default_error_messages = {
        "required": _("请选择要上传的文件。"),
        "missing": _("请选择要上传的文件。"),
        "invalid": _("没有收到文件，请重新选择文件后再上传。"),
        "empty": _("所选文件是空文件（0 字节），请检查后重新选择。"),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(UploadField):
    """Several photos at once (a phone's gallery selection): the cleaned value is a list,
    each file checked by `validate_upload` (images only, HEIC/HEIF taken)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        files = [super(MultipleImageField, self).clean(upload, initial) for upload in files]
        errors = []
        for upload in files:
            try:
                validate_upload(upload, allowed=IMAGE_EXTENSIONS)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class CameraImageField(UploadField):
    """One photo taken there and then: the phone opens its back camera (`capture`), which
    on Android also means no gallery, hence beside a `MultipleImageField`, not instead."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validate_upload(upload, allowed=IMAGE_EXTENSIONS)
        return upload or None


def error_lines(form) -> list[str]:
    """The form's errors as lines for a page that redirects: "<label>：<message>"."""
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for message in errors:
            lines.append(f"{field.label}：{message}" if field is not None else message)
    return lines


class PortalForm(TextGuardMixin, forms.Form):
    pass


class PortalModelForm(TextGuardMixin, forms.ModelForm):
    pass


class FilterForm(PortalForm):
    """The GET filters of a list, rendered by templates/_filter_form.html. A value that does
    not clean is left out (the list is not filtered by it), never an error page; `values()`
    holds what was chosen."""

    def __init__(self, data=None, *args, **kwargs):
        # Only a filter chosen binds the form: `?page=3` or a hidden `?year=` alone does not.
        if data is not None and not any(
            data.get(name) for name, field in self.base_fields.items() if not field.widget.is_hidden
        ):
            data = None
        super().__init__(data, *args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else None
            widget.attrs.setdefault("class", css or "form-control form-control-sm")

    def values(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
