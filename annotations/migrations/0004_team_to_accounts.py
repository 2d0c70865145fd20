# Team is now accounts.Team, on the same table: the note's team points there, state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0003_teams_review_moderation_notifications"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="annotation",
                    name="team",
                    field=models.ForeignKey(blank=True, help_text="The team that sees the note, when its visibility is “team”.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="annotations", to="accounts.team"),
                ),
                migrations.DeleteModel(name="Team"),
            ],
            database_operations=[],
        ),
    ]
