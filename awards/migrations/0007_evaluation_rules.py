"""The evaluation rules still in code become the year's: the late-report factor and the
service years on EvaluationSettings (the notice's ½ and 2 for every existing row), the award
of each shortlist category (YearAward, filled by 0008), and ShortlistItem.award no longer
bound to two fixed codes (its values stay as they are)."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0006_remove_ranking_mean_columns'),
        ('competition', '0011_period_number_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='evaluationsettings',
            name='late_report_factor',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.5'), help_text='报告及时率 =（按时报告数 + 逾期报告数 × 此值）÷ 应报数；0 至 1。', max_digits=3, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='逾期报告折算'),
        ),
        migrations.AddField(
            model_name='evaluationsettings',
            name='min_service_years',
            field=models.PositiveSmallIntegerField(default=2, help_text='截至评比日须满的整年数。', validators=[django.core.validators.MaxValueValidator(30)], verbose_name='先锋个人从事扶贫工作年限'),
        ),
        migrations.AlterField(
            model_name='shortlistitem',
            name='award',
            field=models.CharField(blank=True, max_length=20, verbose_name='表彰'),
        ),
        migrations.CreateModel(
            name='YearAward',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('collective', '先锋集体'), ('individual', '先锋个人'), ('unit', '参赛单位')], max_length=20, verbose_name='类别')),
                ('code', models.SlugField(max_length=20, verbose_name='代码')),
                ('name', models.CharField(max_length=50, verbose_name='表彰名称')),
                ('year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='year_awards', to='competition.competitionyear', verbose_name='竞赛年度')),
            ],
            options={
                'verbose_name': '表彰奖项',
                'verbose_name_plural': '表彰奖项',
                'ordering': ['year', 'category'],
                'constraints': [models.UniqueConstraint(fields=('year', 'category'), name='year_award_unique')],
            },
        ),
    ]
