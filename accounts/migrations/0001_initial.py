# Team moves here from annotations; its table (annotations_team) stays: state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("annotations", "0003_teams_review_moderation_notifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("slug", models.SlugField(unique=True)),
                        ("group", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="team", to="auth.group")),
                    ],
                    options={"db_table": "annotations_team", "ordering": ["slug"]},
                ),
            ],
            database_operations=[],
        ),
    ]
