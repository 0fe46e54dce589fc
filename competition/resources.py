"""Excel import/export of units and users for the Django admin (django-import-export)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.widgets import CharWidget, ForeignKeyWidget

from common.resources import SafeExportMixin, SafeImportMixin

from . import services
from .enums import Role
from .models import Unit, UnitKind


class UnitResource(SafeImportMixin, SafeExportMixin, resources.ModelResource):
    name = fields.Field(attribute="name", column_name=str(_("单位名称")))
    kind = fields.Field(
        attribute="kind", column_name=str(_("单位类别")), widget=ForeignKeyWidget(UnitKind, "name")
    )
    parent = fields.Field(
        attribute="parent", column_name=str(_("上级单位")), widget=ForeignKeyWidget(Unit, "name")
    )
    contact_person = fields.Field(
        attribute="contact_person", column_name=str(_("联系人")), widget=CharWidget()
    )
    phone = fields.Field(attribute="phone", column_name=str(_("联系电话")), widget=CharWidget())
    # A blank cell is "", as the model stores it (not None, which the database refuses).
    email = fields.Field(attribute="email", column_name=str(_("电子邮箱")), widget=CharWidget())
    # Quotas are rules of each year (KindQuota, UnitQuota), set in their own admin pages.

    class Meta:
        model = Unit
        import_id_fields = ("name",)
        fields = ("name", "kind", "parent", "contact_person", "phone", "email")
        skip_unchanged = True
        use_transactions = True
        # The model's validation before saving: a value too long or a duplicate is a Chinese
        # message for its column, not the database's error.
        clean_model_instances = True

    def get_queryset(self):
        return Unit.objects.select_related("kind", "parent")

    def save_instance(self, instance, is_create, row, **kwargs):
        # Through the service (checks, history; a new unit takes part from today). A dry run
        # writes too, inside the transaction the import rolls back.
        fields = {name: getattr(instance, name) for name in services.UNIT_FIELDS}
        saved = services.unit_save(
            actor=kwargs.get("user"), unit=None if is_create else instance, **fields
        )
        instance.pk = saved.pk


class UserResource(SafeImportMixin, SafeExportMixin, resources.ModelResource):
    """Users with their role and unit; imported users get no password until an admin sets one.

    An import adds users; it never changes one. A row naming an existing user is skipped when
    it says what the portal already holds, and refused (with the columns that differ) when it
    does not: e-mail, name, role and unit are changed on the user's own page, where they are
    seen. The role and unit are written by `services.membership_set`.
    """

    username = fields.Field(attribute="username", column_name=str(_("用户名")))
    first_name = fields.Field(
        attribute="first_name", column_name=str(_("姓名")), widget=CharWidget()
    )
    # A blank cell is "", as the model stores it (not None, which the database refuses).
    email = fields.Field(attribute="email", column_name=str(_("电子邮箱")), widget=CharWidget())
    role = fields.Field(column_name=str(_("角色")))
    unit = fields.Field(column_name=str(_("所属单位")))

    class Meta:
        model = get_user_model()
        import_id_fields = ("username",)
        fields = ("username", "first_name", "email", "role", "unit")
        skip_unchanged = True
        use_transactions = True
        # The model's validation before saving: a value too long or a duplicate is a Chinese
        # message for its column, not the database's error.
        clean_model_instances = True

    def get_queryset(self):
        return get_user_model().objects.select_related("membership__unit")

    def dehydrate_role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else ""

    def dehydrate_unit(self, user):
        membership = getattr(user, "membership", None)
        return membership.unit.name if membership and membership.unit else ""

    def _cell(self, row, name) -> str:
        value = row.get(self.fields[name].column_name)
        return "" if value is None else str(value).strip()

    def before_import_row(self, row, **kwargs):
        labels = {str(label): value for value, label in Role.choices}
        role_label = self._cell(row, "role")
        if role_label and role_label not in labels:
            raise ValidationError({"role": _("未知角色“%(role)s”。") % {"role": role_label}})
        unit_name = self._cell(row, "unit")
        if unit_name and not Unit.objects.filter(name=unit_name).exists():
            raise ValidationError({"unit": _("未知单位“%(unit)s”。") % {"unit": unit_name}})
        if labels.get(role_label) == Role.UNIT_STAFF and not unit_name:
            raise ValidationError({"unit": _("单位填报员必须填写所属单位。")})
        user = self.get_queryset().filter(username=self._cell(row, "username")).first()
        if user is not None:
            stored = {
                "first_name": user.first_name,
                "email": user.email,
                "role": self.dehydrate_role(user),
                "unit": self.dehydrate_unit(user),
            }
            differ = [name for name, value in stored.items() if self._cell(row, name) != value]
            if differ:
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: _(
                            "用户“%(username)s”已存在，导入不修改已有用户（%(columns)s与现有不同）；"
                            "请在该用户的页面上修改。"
                        )
                        % {
                            "username": user.username,
                            "columns": "、".join(self.fields[name].column_name for name in differ),
                        }
                    },
                    code="user_exists",
                )

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if not instance.pk:
            # Before the model's validation, which requires a password.
            instance.set_unusable_password()

    def after_save_instance(self, instance, row, **kwargs):
        # Only new users get here (an existing one is skipped or refused above); a dry run
        # writes too, inside the transaction the import rolls back.
        labels = {str(label): value for value, label in Role.choices}
        role = labels.get(self._cell(row, "role"))
        if not role:
            return
        unit_name = self._cell(row, "unit")
        unit = Unit.objects.filter(name=unit_name).first() if unit_name else None
        services.membership_set(actor=kwargs.get("user"), user=instance, role=role, unit=unit)
