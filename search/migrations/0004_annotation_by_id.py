# An annotation's entry keeps the note's id, not a foreign key to the model (search knows no model
# above it): state only. The column annotation_id, its index and its constraint stay in the
# database as they are; annotations delete their entries themselves (annotations.signals).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_index_annotations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="searchentry", name="annotation"),
                migrations.AddField(
                    model_name="searchentry",
                    name="annotation_id",
                    field=models.BigIntegerField(null=True, db_index=True),
                ),
            ],
            database_operations=[],
        ),
    ]
