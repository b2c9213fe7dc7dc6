"""Issue 11: a radio option is always required (seed 001), now also in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_options_tiers_new_label_data")]

    operations = [
        migrations.AddConstraint(
            model_name="optiongroup",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("kind", "radio"), _negated=True), ("is_required", True), _connector="OR"),
                name="option_radio_required",
            ),
        ),
    ]
