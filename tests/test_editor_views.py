"""Import from the browser: staff and members of the editors group upload a commentary at
/documents/new/, or a new revision at /documents/<slug>/import/, and see the summary or the
error; a refused file changes nothing."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from annotations.models import Annotation
from reader.editor_views import EDITORS_GROUP
from reader.models import Document, Source

from .helpers import SEED, annotation_on, logged_in, make_user

NEW = "/documents/new/"


def editor() -> User:
    user = make_user("erin", analyst=False)
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    return user


def upload(client: Client, path: str, name: str, content: bytes) -> HttpResponse:
    return client.post(path, {"file": SimpleUploadedFile(name, content)})


def seed_bytes(old: str = "", new: str = "") -> bytes:
    return SEED.read_text(encoding="utf-8").replace(old, new, 1).encode()


def test_only_staff_and_editors_may_import(db: None, member: User, analyst: User) -> None:
    response = Client().get(NEW)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert logged_in(member).get(NEW).status_code == 403
    assert logged_in(analyst).get(NEW).status_code == 403
    assert upload(logged_in(member), NEW, "a.txt", seed_bytes()).status_code == 403
    assert not Document.objects.exists()
    staff = User.objects.create_user("sam", is_staff=True)
    assert logged_in(staff).get(NEW).status_code == 200
    page = logged_in(editor()).get(NEW)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()


def test_an_editor_imports_a_commentary_and_sees_the_summary(db: None) -> None:
    response = upload(logged_in(editor()), NEW, "npi-commentary-80.txt", seed_bytes())
    assert response.status_code == 200
    page = response.content.decode()
    assert "10 blocks (2 quotations), 10 notes, 10 claims, 10 citations." in page
    assert page.count("created: <a") == 6
    assert "note 3 → <a" in page and "p.19" in page
    assert Document.objects.get().slug == "npi-commentary-80"


def test_a_refused_file_shows_its_line_and_changes_nothing(db: None) -> None:
    client = logged_in(editor())
    upload(client, NEW, "npi-commentary-80.txt", seed_bytes())
    before = list(Document.objects.values_list("slug", "revision", "text_hash"))
    broken = seed_bytes("公表した¹。", "公表した¹¹。")
    response = upload(client, NEW, "npi-commentary-80.txt", broken)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was refused; nothing was changed." in page
    assert ": marker 11 has no note 11" in page and "line " in page
    assert list(Document.objects.values_list("slug", "revision", "text_hash")) == before
    bad = upload(client, NEW, "x.pdf", b"%PDF-1.7 nonsense")
    assert bad.status_code == 400 and "cannot be read as a PDF" in bad.content.decode()
    empty = client.post(NEW, {})
    assert empty.status_code == 400
    assert Source.objects.count() == 6


def test_a_new_revision_reanchors_annotations_and_shows_the_counts(db: None, analyst: User) -> None:
    client = logged_in(editor())
    upload(client, NEW, "npi-commentary-80.txt", seed_bytes())
    document = Document.objects.get()
    text = document.plain_text()
    start = text.index("取り立てて新しくはない")
    annotation_on(document, analyst, start, start + len("取り立てて新しくはない"))
    kept = text.index("模範的な同盟国")
    annotation_on(document, analyst, kept, kept + len("模範的な同盟国"))

    revised = seed_bytes("取り立てて新しくはない", "目新しいものではない")
    response = upload(client, f"/documents/{document.slug}/import/", "any-name.txt", revised)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Updated to revision 2" in page
    assert "Annotations: 1 in place, 0 moved, 1 orphaned." in page
    assert Annotation.objects.count() == 2 and Document.objects.get().revision == 2
    link = f'href="/documents/{document.slug}/import/"'
    assert link in client.get(f"/documents/{document.slug}/check/").content.decode()
    assert link in client.get(document.get_absolute_url()).content.decode()
    assert link not in Client().get(document.get_absolute_url()).content.decode()
    assert link not in logged_in(analyst).get(document.get_absolute_url()).content.decode()


def test_a_document_cannot_take_the_slug_of_the_upload_page(db: None) -> None:
    response = upload(logged_in(editor()), NEW, "new.txt", seed_bytes())
    assert response.status_code == 400
    assert "the slug “new” would hide the page /documents/new/" in response.content.decode()
    assert not Document.objects.exists()
