"""An entry in the search index for every annotation already written (with words to find)."""

from django.db import migrations
from django.urls import reverse

from search.terms import index_terms, squeeze


def index_annotations(apps, schema_editor) -> None:
    annotations = apps.get_model("annotations", "Annotation")
    entries = apps.get_model("search", "SearchEntry")
    db = schema_editor.connection.alias
    made = []
    for annotation in annotations.objects.using(db).select_related("document").prefetch_related(
        "tags"
    ):
        tags = " ".join(tag.name for tag in annotation.tags.all())
        text = "\n".join(p for p in (annotation.body, annotation.exact, tags) if p.strip())
        if not text:
            continue
        url = reverse("reader:document", args=[annotation.document.slug])
        made.append(
            entries(
                kind="annotation", text=text, folded=squeeze(text), terms=index_terms(text),
                url=f"{url}#annotation-{annotation.pk}", language=annotation.document.language,
                annotation_id=annotation.pk,  # the foreign key then, the id since 0004
            )
        )  # fmt: skip
    entries.objects.using(db).bulk_create(made, batch_size=500)


def forget_annotations(apps, schema_editor) -> None:
    entries = apps.get_model("search", "SearchEntry")
    entries.objects.using(schema_editor.connection.alias).filter(kind="annotation").delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_annotation_entries")]

    operations = [migrations.RunPython(index_annotations, forget_annotations)]
