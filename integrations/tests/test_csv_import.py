"""CSV import: the same rules as the API, a dry run first with per-row errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Course, LearningActivity, Order, User

pytestmark = pytest.mark.django_db

FILES = {
    "customers.csv": "external_id,email,name,vip\nu1,li.lei@example.cn,李雷,true\nu2,not-an-email,韩梅梅,\n",
    "courses.csv": "external_id,title,kind,price\npy,Python 入门,course,199.00\n",
    "orders.csv": "external_id,customer,course,amount,status,refunded_amount\n"
    "O1,u1,py,199.00,refunded,199.00\nO2,u2,py,199.00,,\n",
    "learning-activity.csv": "customer,course,date,minutes,sessions\nu1,py,2026-03-01,30,1\nu1,py,2026-03-02,45,2\n",
}


@pytest.fixture
def folder(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_dry_run_names_the_bad_rows_and_writes_nothing(folder, capsys):
    call_command("import_context", str(folder))
    out = capsys.readouterr().out
    assert "customers: created=1 updated=0 unchanged=0 errors=1" in out
    assert "line 3: email:" in out
    assert "orders: created=1 updated=0 unchanged=0 errors=1" in out  # O2's customer failed above
    assert "learning-activity: created=2" in out
    assert "Dry run" in out
    assert not User.objects.filter(email="li.lei@example.cn").exists()
    assert not Course.objects.exists()


def test_commit_imports_the_good_rows_and_a_second_run_changes_nothing(folder, capsys):
    call_command("import_context", str(folder), "--commit")
    assert Order.objects.get(number="O1").status == "refunded"
    assert LearningActivity.objects.count() == 2
    assert User.objects.get(email="li.lei@example.cn").customer_profile.is_vip
    capsys.readouterr()
    call_command("import_context", str(folder), "--commit")
    assert "customers: created=0 updated=0 unchanged=1 errors=1" in capsys.readouterr().out


def test_gb18030_files_and_unknown_columns(tmp_path, capsys):
    (tmp_path / "courses.csv").write_bytes("external_id,title\nzh,经济学 30 讲\n".encode("gb18030"))
    call_command("import_context", str(tmp_path), "--commit")
    assert Course.objects.get(code="zh").title == "经济学 30 讲"
    (tmp_path / "courses.csv").write_text("id,name\n1,x\n")
    with pytest.raises(CommandError, match="unknown or missing columns"):
        call_command("import_context", str(tmp_path))
    with pytest.raises(CommandError, match="No CSV file"):
        call_command("import_context", str(tmp_path / "nowhere"))


def test_the_admin_checks_then_imports_a_file(admin_client_role, manager_client):
    url = reverse("admin:integrations_context_import")
    upload = SimpleUploadedFile("courses.csv", FILES["courses.csv"].encode(), "text/csv")
    checked = admin_client_role.post(url, {"resource": "courses", "file": upload})
    assert "Dry run" in checked.content.decode()
    assert not Course.objects.exists()
    upload = SimpleUploadedFile("courses.csv", FILES["courses.csv"].encode(), "text/csv")
    admin_client_role.post(url, {"resource": "courses", "file": upload, "commit": "on"})
    assert Course.objects.get(code="py").title == "Python 入门"
    assert manager_client.get(url).status_code == 403
