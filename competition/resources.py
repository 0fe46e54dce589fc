"""Excel import/export of units and users for the Django admin (django-import-export)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from . import services
from .enums import Role
from .models import Membership, Unit, UnitKind


class UnitResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name=str(_("单位名称")))
    kind = fields.Field(
        attribute="kind", column_name=str(_("单位类别")), widget=ForeignKeyWidget(UnitKind, "name")
    )
    parent = fields.Field(
        attribute="parent", column_name=str(_("上级单位")), widget=ForeignKeyWidget(Unit, "name")
    )
    contact_person = fields.Field(attribute="contact_person", column_name=str(_("联系人")))
    phone = fields.Field(attribute="phone", column_name=str(_("联系电话")))
    email = fields.Field(attribute="email", column_name=str(_("电子邮箱")))
    # Quotas are rules of each year (KindQuota, UnitQuota), set in their own admin pages.

    class Meta:
        model = Unit
        import_id_fields = ("name",)
        fields = ("name", "kind", "parent", "contact_person", "phone", "email")
        skip_unchanged = True
        use_transactions = True

    def get_queryset(self):
        return Unit.objects.select_related("kind", "parent")

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if is_create:
            # A newly imported unit takes part from today (a dry run rolls it back).
            services.participation_start(
                actor=kwargs.get("user"), unit=instance, date=timezone.localdate()
            )


class UserResource(resources.ModelResource):
    """Users with their role and unit; imported users get no password until an admin sets one."""

    username = fields.Field(attribute="username", column_name=str(_("用户名")))
    first_name = fields.Field(attribute="first_name", column_name=str(_("姓名")))
    email = fields.Field(attribute="email", column_name=str(_("电子邮箱")))
    role = fields.Field(column_name=str(_("角色")))
    unit = fields.Field(column_name=str(_("所属单位")))

    class Meta:
        model = get_user_model()
        import_id_fields = ("username",)
        fields = ("username", "first_name", "email", "role", "unit")
        use_transactions = True

    def get_queryset(self):
        return get_user_model().objects.select_related("membership__unit")

    def dehydrate_role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else ""

    def dehydrate_unit(self, user):
        membership = getattr(user, "membership", None)
        return membership.unit.name if membership and membership.unit else ""

    def before_import_row(self, row, **kwargs):
        labels = {str(label): value for value, label in Role.choices}
        role_label = (row.get(str(_("角色"))) or "").strip()
        if role_label and role_label not in labels:
            raise ValueError(_("未知角色“%(role)s”") % {"role": role_label})
        unit_name = (row.get(str(_("所属单位"))) or "").strip()
        if unit_name and not Unit.objects.filter(name=unit_name).exists():
            raise ValueError(_("未知单位“%(unit)s”") % {"unit": unit_name})

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        labels = {str(label): value for value, label in Role.choices}
        role = labels.get((row.get(str(_("角色"))) or "").strip())
        if not role:
            return
        unit_name = (row.get(str(_("所属单位"))) or "").strip()
        unit = Unit.objects.filter(name=unit_name).first() if unit_name else None
        Membership.objects.update_or_create(user=instance, defaults={"role": role, "unit": unit})

    def before_save_instance(self, instance, row, **kwargs):
        if not instance.pk:
            instance.set_unusable_password()
