from django.db import migrations


class Migration(migrations.Migration):
    """Quotas and participation dates now live in KindQuota, UnitQuota and Participation
    (copied by 0006): drop the global columns they replace."""

    dependencies = [
        ("competition", "0006_copy_quotas_participation"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="unit",
            name="unit_active_range_ordered",
        ),
        migrations.RemoveField(
            model_name="historicalunit",
            name="active_from",
        ),
        migrations.RemoveField(
            model_name="historicalunit",
            name="active_until",
        ),
        migrations.RemoveField(
            model_name="historicalunit",
            name="is_active",
        ),
        migrations.RemoveField(
            model_name="historicalunit",
            name="quota_override",
        ),
        migrations.RemoveField(
            model_name="historicalunitkind",
            name="default_quota",
        ),
        migrations.RemoveField(
            model_name="unit",
            name="active_from",
        ),
        migrations.RemoveField(
            model_name="unit",
            name="active_until",
        ),
        migrations.RemoveField(
            model_name="unit",
            name="is_active",
        ),
        migrations.RemoveField(
            model_name="unit",
            name="quota_override",
        ),
        migrations.RemoveField(
            model_name="unitkind",
            name="default_quota",
        ),
    ]
