"""The administrator's upload page: people from an Excel or CSV file, previewed (a dry
run) before they are imported, by the same rules as `vaxel directory import`."""

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vaxel.access.roles import access_directory_write
from vaxel.core.errors import Forbidden, VaxelError
from vaxel.directory.files import columns_parse, directory_import

UPLOADS = settings.DATA_DIR / "directory-uploads"
SESSION_KEY = "directory_upload"
LARGEST_UPLOAD = 50 * 1024 * 1024


def _kept(request: HttpRequest) -> bytes | None:
    """The file previewed in this session; its name is the session's, never the client's."""
    token = request.session.get(SESSION_KEY, "")
    path = UPLOADS / token if token and token.isalnum() else None
    return path.read_bytes() if path is not None and path.is_file() else None


def _keep(request: HttpRequest, data: bytes) -> None:
    UPLOADS.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (UPLOADS / token).write_bytes(data)
    _forget(request)
    request.session[SESSION_KEY] = token


def _forget(request: HttpRequest) -> None:
    token = request.session.pop(SESSION_KEY, "")
    if token and token.isalnum():
        (UPLOADS / token).unlink(missing_ok=True)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    try:
        access_directory_write(request.user)
    except Forbidden as refusal:
        return render(request, "directory/refused.html", {"reason": refusal.message}, status=403)
    context: dict = {"columns": request.POST.get("columns", ""), "partial": bool(request.POST.get("partial"))}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "preview":
                file = request.FILES.get("file")
                if file is None or file.size is None or file.size > LARGEST_UPLOAD:
                    raise VaxelError(_("Choose an Excel (.xlsx) or CSV file of at most 50 MB."))
                data = file.read()
                report, read = _run(request, data, dry_run=True)
                _keep(request, data)
                context.update(report=report, ignored=read.ignored, previewed=True)
            elif action == "import":
                data = _kept(request)
                if data is None:
                    raise VaxelError(_("Preview the file first; then import it."))
                report, read = _run(request, data, dry_run=False)
                _forget(request)
                context.update(report=report, ignored=read.ignored, imported=True)
            else:
                raise VaxelError(_("Preview the file first; then import it."))
        except VaxelError as failure:
            context["error"] = failure.message
            context["errors"] = failure.details.get("errors", [])
            status = 400
    return render(request, "directory/upload.html", context, status=status)


def _run(request: HttpRequest, data: bytes, *, dry_run: bool):
    return directory_import(
        data=data,
        columns=columns_parse(request.POST.get("columns", "")),
        dry_run=dry_run,
        skip_bad=bool(request.POST.get("skip_bad")),
        complete=not request.POST.get("partial"),
        actor=request.user,
    )
