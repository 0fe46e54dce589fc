"""Excel import and export of model workers and activities (django-import-export).

The same resources give the export columns, the blank template's Chinese headers and the
import. An import is all-or-nothing: every row is parsed and checked first (`parse_row`, in
Chinese, by row and column), the resource's `import_data` then runs in one transaction and is
rolled back if any row failed, so nothing is written unless every row is good
(see `services.model_workers_import`). Rows are numbered as Excel shows them (header = row 1).
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from tablib import Dataset

from common.resources import SafeExportMixin
from common.xlsx import import_rows, open_xlsx
from competition import quality
from competition.enums import QualityTarget, YearStatus
from competition.models import ActivityType, CompetitionYear, NineProject, QualityRule, Unit
from competition.selectors import activity_types_of, current_year, projects_of

from .enums import Expertise, Gender, HonourLevel
from .models import Activity, ModelWorker


def _col(text) -> str:
    return str(text)


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number (the header is row 1); 0 for the file as a whole
    column: str
    message: str


# Reading ---------------------------------------------------------------------------------


def read_xlsx(upload, required_headers) -> tuple[Dataset, list[int]]:
    """The first sheet as a Dataset, and the Excel row number of each data row.

    The caller has already run `common.xlsx.check_xlsx_upload` (zip size cap). Rows are read
    by `common.xlsx.import_rows`: every row the sheet holds, whatever its `<dimension>` says,
    no wider than the cap, and refused while reading once past `settings.IMPORT_MAX_ROWS`.
    Blank rows are skipped.
    """
    workbook = open_xlsx(upload)
    try:
        if not workbook.worksheets:
            raise ValidationError(_("文件中没有工作表。请使用下载的导入模板。"), code="no_sheet")
        headers = None
        data, numbers, formulas = [], [], []
        for row in import_rows(workbook.worksheets[0], max_rows=settings.IMPORT_MAX_ROWS):
            formulas += [(row.number, index) for index in row.formulas]
            if headers is None:
                headers = ["" if v is None else str(v) for v in row.values]
                continue
            values = row.values[: len(headers)]
            data.append(values + [None] * (len(headers) - len(values)))
            numbers.append(row.number)
    finally:
        workbook.close()
    if headers is None:
        raise ValidationError(_("文件中没有表头。请使用下载的导入模板。"), code="no_header")
    if formulas:
        raise ValidationError(
            [
                _(
                    "第 %(row)s 行“%(column)s”列是公式，请改为直接填写的值（复制后“选择性粘贴 → 数值”）。"
                )
                % {
                    "row": row,
                    "column": headers[index] if index < len(headers) else index + 1,
                }
                for row, index in formulas[:20]
            ],
            code="formula",
        )
    missing = [h for h in required_headers if h not in headers]
    if missing:
        raise ValidationError(
            _("缺少列：%(columns)s。请使用下载的导入模板。") % {"columns": "、".join(missing)},
            code="missing_columns",
        )
    if not data:
        raise ValidationError(_("文件中没有数据行。"), code="empty")
    dataset = Dataset(headers=headers)
    for values in data:
        dataset.append(values)
    return dataset, numbers


# Cell parsing: each returns the value, or records an error and returns None --------------


class RowParser:
    def __init__(self, row: dict):
        self.row = row
        self.errors: dict[str, list[str]] = {}

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def raw(self, column: str):
        value = self.row.get(column)
        return "" if value is None else value

    def text(self, column: str, *, required=False, max_length=None) -> str:
        value = self.raw(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        if required and not value:
            self.error(column, _("必填，不能为空。"))
        elif max_length and len(value) > max_length:
            self.error(column, _("超过 %(n)s 个字。") % {"n": max_length})
        return value

    def choice(self, column: str, choices, *, required=True, default=""):
        value = self.text(column, required=required)
        if not value:
            return default
        labels = {str(label): code for code, label in choices.choices}
        if value in labels:
            return labels[value]
        if value in choices.values:
            return value
        self.error(
            column,
            _("未知的%(column)s“%(value)s”，应为：%(allowed)s。")
            % {"column": column, "value": value, "allowed": "、".join(labels)},
        )
        return None

    def integer(self, column: str, *, required=False, minimum=None, maximum=None):
        value = self.raw(column)
        if value in ("", None):
            if required:
                self.error(column, _("必填，不能为空。"))
            return None
        try:
            number = int(str(value).strip().split(".")[0] if isinstance(value, str) else value)
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
        except (TypeError, ValueError):
            self.error(column, _("“%(value)s”不是整数。") % {"value": value})
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.error(
                column,
                _("%(value)s 超出范围（%(min)s–%(max)s）。")
                % {"value": number, "min": minimum, "max": maximum},
            )
            return None
        return number

    def date(self, column: str, *, required=True):
        value = self.raw(column)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if not text:
            if required:
                self.error(column, _("必填，不能为空。"))
            return None
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        self.error(
            column, _("日期“%(value)s”无法识别，请按 2019-05-20 的格式填写。") % {"value": text}
        )
        return None


# Resources -------------------------------------------------------------------------------


class _ImportResource(SafeExportMixin, resources.ModelResource):
    """Shared import machinery: parse every row in Chinese, then let the resource save it.

    `unit`: the unit every row goes to (unit staff); None lets each row name its unit (admins).
    `row_numbers`: the Excel row number of each data row, for the error list.
    """

    UNIT = _col(gettext_lazy("所属单位"))

    def __init__(self, *, unit=None, actor=None, show_phone=True, row_numbers=None, **kwargs):
        # The admin's export passes its own options (django-import-export's kwargs).
        super().__init__(**kwargs)
        self.unit = unit
        self.actor = actor
        self.show_phone = show_phone
        self.row_numbers = row_numbers or []
        self.parsed = {}
        self.errors: list[RowError] = []
        self.saved = []  # the instances written, for what the service does after the rows

    def excel_row(self, row_number: int) -> int:
        if 0 < row_number <= len(self.row_numbers):
            return self.row_numbers[row_number - 1]
        return row_number + 1

    def before_import(self, dataset, **kwargs):
        self.units_by_name = {unit.name: unit for unit in Unit.objects.all()}

    def parse_unit(self, parser: RowParser):
        name = parser.text(self.UNIT)
        if self.unit is not None:
            if name and name != self.unit.name:
                parser.error(
                    self.UNIT,
                    _("只能导入本单位（%(unit)s）的数据，不能导入到“%(name)s”。")
                    % {"unit": self.unit.name, "name": name},
                )
                return None
            return self.unit
        if not name:
            parser.error(self.UNIT, _("必填，不能为空。"))
            return None
        unit = self.units_by_name.get(name)
        if unit is None:
            parser.error(self.UNIT, _("未知单位“%(name)s”。") % {"name": name})
        return unit

    def before_import_row(self, row, row_number=None, **kwargs):
        parser = RowParser(row)
        values = self.parse_row(parser, row_number)
        if parser.errors:
            raise ValidationError(parser.errors)
        self.parsed[row_number] = values

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.saved.append(instance)

    def import_instance(self, instance, row, row_number=None, **kwargs):
        for attribute, value in self.parsed[row_number].items():
            if attribute != "model_workers":
                setattr(instance, attribute, value)

    def column_of(self, attribute: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return ""
        field = self.fields.get(attribute)
        return field.column_name if field else attribute

    def collect_errors(self, result) -> list[RowError]:
        errors = []
        for invalid in result.invalid_rows:
            for column, messages in invalid.error_dict.items():
                for message in messages:
                    errors.append(
                        RowError(self.excel_row(invalid.number), self.column_of(column), message)
                    )
        for number, row_errors in result.row_errors():
            for error in row_errors:
                errors.append(RowError(self.excel_row(number), "", _("无法保存：%s") % error.error))
        for error in result.base_errors:
            errors.append(RowError(0, "", str(error.error)))
        return sorted(errors, key=lambda e: (e.row, e.column))

    def blank_rows(self):
        return []


class ModelWorkerResource(_ImportResource):
    unit = fields.Field(attribute="unit__name", column_name=_ImportResource.UNIT)
    name = fields.Field(attribute="name", column_name=_col(gettext_lazy("姓名")))
    gender = fields.Field(attribute="gender", column_name=_col(gettext_lazy("性别")))
    birth_year = fields.Field(attribute="birth_year", column_name=_col(gettext_lazy("出生年份")))
    position = fields.Field(attribute="position", column_name=_col(gettext_lazy("职务")))
    honour_level = fields.Field(
        attribute="honour_level", column_name=_col(gettext_lazy("荣誉等级"))
    )
    honour_year = fields.Field(attribute="honour_year", column_name=_col(gettext_lazy("获评年份")))
    expertise = fields.Field(attribute="expertise", column_name=_col(gettext_lazy("专业领域")))
    phone = fields.Field(attribute="phone", column_name=_col(gettext_lazy("联系电话")))
    remarks = fields.Field(attribute="remarks", column_name=_col(gettext_lazy("备注")))

    class Meta:
        model = ModelWorker
        fields = (
            "unit",
            "name",
            "gender",
            "birth_year",
            "position",
            "honour_level",
            "honour_year",
            "expertise",
            "phone",
            "remarks",
        )
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    REQUIRED = ("name", "gender", "honour_level")

    def get_queryset(self):
        return ModelWorker.objects.select_related("unit")

    def dehydrate_gender(self, worker):
        return worker.get_gender_display()

    # Years as numbers, not the base widget's text (see ActivityResource).
    def dehydrate_birth_year(self, worker):
        return worker.birth_year

    def dehydrate_honour_year(self, worker):
        return worker.honour_year

    def dehydrate_honour_level(self, worker):
        return worker.get_honour_level_display()

    def dehydrate_expertise(self, worker):
        return worker.get_expertise_display()

    def dehydrate_phone(self, worker):
        return worker.phone if self.show_phone else worker.masked_phone

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.existing = set(ModelWorker.objects.values_list("unit_id", "name"))
        self.seen = {}

    def parse_row(self, parser: RowParser, row_number: int) -> dict:
        col = {name: field.column_name for name, field in self.fields.items()}
        unit = self.parse_unit(parser)
        name = parser.text(col["name"], required=True, max_length=50)
        values = {
            "unit": unit,
            "name": name,
            "gender": parser.choice(col["gender"], Gender),
            "birth_year": parser.integer(col["birth_year"], minimum=1920, maximum=2010),
            "position": parser.text(col["position"], max_length=100),
            "honour_level": parser.choice(col["honour_level"], HonourLevel),
            "honour_year": parser.integer(col["honour_year"], minimum=1950, maximum=2100),
            "expertise": parser.choice(
                col["expertise"], Expertise, required=False, default=Expertise.OTHER
            ),
            "phone": parser.text(col["phone"], max_length=20),
            "remarks": parser.text(col["remarks"]),
        }
        if unit is not None and name:
            key = (unit.pk, name)
            if key in self.existing:
                parser.error(
                    col["name"],
                    _("重复：%(unit)s已登记劳模“%(name)s”。") % {"unit": unit.name, "name": name},
                )
            elif key in self.seen:
                parser.error(
                    col["name"],
                    _("重复：与第 %(row)s 行相同（同一单位同名）。") % {"row": self.seen[key]},
                )
            else:
                self.seen[key] = self.excel_row(row_number)
        return values


class ActivityResource(_ImportResource):
    unit = fields.Field(attribute="unit__name", column_name=_col(gettext_lazy("组织单位")))
    title = fields.Field(attribute="title", column_name=_col(gettext_lazy("活动名称")))
    activity_type = fields.Field(
        attribute="activity_type", column_name=_col(gettext_lazy("活动类型"))
    )
    nine_project = fields.Field(
        attribute="nine_project__name", column_name=_col(gettext_lazy("九大工程"))
    )
    date = fields.Field(attribute="date", column_name=_col(gettext_lazy("活动日期")))
    town = fields.Field(attribute="town", column_name=_col(gettext_lazy("乡镇")))
    village = fields.Field(attribute="village", column_name=_col(gettext_lazy("村")))
    model_workers = fields.Field(column_name=_col(gettext_lazy("参与劳模")))
    households = fields.Field(
        attribute="households", column_name=_col(gettext_lazy("受益贫困户（户）"))
    )
    people = fields.Field(attribute="people", column_name=_col(gettext_lazy("受益人数（人）")))
    description = fields.Field(attribute="description", column_name=_col(gettext_lazy("活动说明")))

    UNIT = _col(gettext_lazy("组织单位"))
    REQUIRED = ("title", "activity_type", "nine_project", "date", "town")

    class Meta:
        model = Activity
        fields = (
            "unit",
            "title",
            "activity_type",
            "nine_project",
            "date",
            "town",
            "village",
            "model_workers",
            "households",
            "people",
            "description",
        )
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    def get_queryset(self):
        return Activity.objects.select_related(
            "unit", "nine_project", "activity_type"
        ).prefetch_related("model_workers")

    def dehydrate_activity_type(self, activity):
        return activity.activity_type.name

    # Exported as their own types (a date cell, number cells), not the base widget's text,
    # so that a column can be summed or sorted by date.
    def dehydrate_date(self, activity):
        return activity.date

    def dehydrate_households(self, activity):
        return activity.households

    def dehydrate_people(self, activity):
        return activity.people

    def dehydrate_model_workers(self, activity):
        return "、".join(worker.name for worker in activity.model_workers.all())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Each row's project and type are its year's (the year its date lies in), by name,
        # short name or number, and by name or code.
        self.projects, self.types = {}, {}
        for project in NineProject.objects.all():
            for key in (project.name, project.short_name, str(project.number)):
                self.projects[project.year_id, key] = project
        for activity_type in ActivityType.objects.all():
            for key in (activity_type.name, activity_type.code):
                self.types[activity_type.year_id, key] = activity_type
        self.workers = {
            (worker.unit_id, worker.name): worker
            for worker in ModelWorker.objects.only("id", "unit_id", "name")
        }
        self.existing = set(Activity.objects.values_list("unit_id", "date", "title"))
        self.seen = {}
        self.years = list(
            CompetitionYear.objects.order_by("start_date", "year").values_list(
                "pk", "start_date", "end_date"
            )
        )
        self.sealed = set(
            CompetitionYear.objects.filter(status=YearStatus.CLOSED).values_list("year", flat=True)
        )
        # Each year's data-quality rules: a refusal is the row's error, a warning is stored
        # with the activity (an import carries no explanation; the office sees it unexplained).
        self.quality_rules = {}
        rules = QualityRule.objects.filter(target=QualityTarget.ACTIVITY, active=True)
        for rule in rules.order_by("number"):
            self.quality_rules.setdefault(rule.year_id, []).append(rule)

    def parse_row(self, parser: RowParser, row_number: int) -> dict:
        col = {name: field.column_name for name, field in self.fields.items()}
        unit = self.parse_unit(parser)
        title = parser.text(col["title"], required=True, max_length=200)
        date = parser.date(col["date"])
        year_id = next((pk for pk, start, end in self.years if date and start <= date <= end), None)
        if date and year_id is None:
            parser.error(
                col["date"],
                _("活动日期 %(date)s 不在任何竞赛年度内，请检查年份。")
                % {"date": date.isoformat()},
            )
        elif date and date.year in self.sealed:
            parser.error(col["date"], _("该竞赛年度已结束并封存，记录不能再修改。"))
        project_text = parser.text(col["nine_project"], required=True)
        project = self.projects.get((year_id, project_text))
        if project_text and project is None and year_id is not None:
            parser.error(
                col["nine_project"],
                _("未知的九大工程“%(value)s”，请填写工程名称，如“产业脱贫工程”。")
                % {"value": project_text},
            )
        type_text = parser.text(col["activity_type"], required=True)
        activity_type = self.types.get((year_id, type_text))
        if type_text and activity_type is None and year_id is not None:
            allowed = [
                t.name for (y, key), t in self.types.items() if y == year_id and key == t.name
            ]
            parser.error(
                col["activity_type"],
                _("未知的%(column)s“%(value)s”，应为：%(allowed)s。")
                % {
                    "column": col["activity_type"],
                    "value": type_text,
                    "allowed": "、".join(allowed),
                },
            )
        workers = []
        for name in re.split(r"[、，,;；\s]+", parser.text(col["model_workers"])):
            if not name or unit is None:
                continue
            worker = self.workers.get((unit.pk, name))
            if worker is None:
                parser.error(
                    col["model_workers"],
                    _("%(unit)s没有登记劳模“%(name)s”。") % {"unit": unit.name, "name": name},
                )
            else:
                workers.append(worker)
        values = {
            "unit": unit,
            "title": title,
            "activity_type": activity_type,
            "nine_project": project,
            "date": date,
            "town": parser.text(col["town"], required=True, max_length=50),
            "village": parser.text(col["village"], max_length=50),
            "households": parser.integer(col["households"], minimum=0, maximum=10**6) or 0,
            "people": parser.integer(col["people"], minimum=0, maximum=10**7) or 0,
            "description": parser.text(col["description"]),
            "model_workers": workers,
            "created_by": self.actor,
        }
        flags = quality.check(self.quality_rules.get(year_id, ()), values)
        for flag in quality.refusals(flags):
            parser.error(col[flag["field"]], quality.describe(flag))
        values.update(quality_flags=flags, has_flags=bool(flags))
        if unit is not None and title and date:
            key = (unit.pk, date, title)
            if key in self.existing:
                parser.error(
                    col["title"],
                    _("重复：%(unit)s在 %(date)s 已有活动“%(title)s”。")
                    % {"unit": unit.name, "date": date.isoformat(), "title": title},
                )
            elif key in self.seen:
                parser.error(
                    col["title"],
                    _("重复：与第 %(row)s 行相同（同一单位、同一天、同名）。")
                    % {"row": self.seen[key]},
                )
            else:
                self.seen[key] = self.excel_row(row_number)
        return values

    def save_m2m(self, instance, row, row_number=None, **kwargs):
        instance.model_workers.set(self.parsed[row_number]["model_workers"])


def template_notes() -> list[tuple[str, str]]:
    """The second sheet of the blank templates: what each coded column accepts (the types and
    projects of the current year)."""
    year = current_year()
    return [
        (_("性别"), "、".join(str(label) for label in Gender.labels)),
        (_("荣誉等级"), "、".join(str(label) for label in HonourLevel.labels)),
        (_("专业领域"), "、".join(str(label) for label in Expertise.labels)),
        (_("活动类型"), "、".join(activity_types_of(year).values_list("name", flat=True))),
        (_("九大工程"), "、".join(projects_of(year).values_list("name", flat=True))),
        (_("日期"), _("如 2019-05-20")),
        (_("参与劳模"), _("本单位已登记的劳模姓名，多人用顿号“、”分隔")),
        (
            _("所属单位 / 组织单位"),
            _("单位填报员可留空（导入本单位）；管理员须填写单位全称"),
        ),
    ]
