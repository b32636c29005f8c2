"""Attachment files: checked by their bytes, stored by their SHA-256 under the
instance folder (or ATTACHMENT_DIR), never by the name a user gave them."""
import hashlib
import os
import tempfile

import filetype
from flask import current_app, send_file
from flask_babel import gettext as _

from app.uploads import Upload

# What each allowed type looks like inside: (media type, how it is recognized).
BINARY_TYPES = {"png": "image/png", "gif": "image/gif", "jpg": "image/jpeg", "pdf": "application/pdf",
                "zip": "application/zip"}
TEXT_TYPES = {"txt": "text/plain", "log": "text/plain", "csv": "text/csv"}
# The extensions a file of each media type may keep; the first is added to any other name.
EXTENSIONS = {"image/png": ("png",), "image/gif": ("gif",), "image/jpeg": ("jpg", "jpeg"),
              "application/pdf": ("pdf",), "application/zip": ("zip",),
              "text/plain": ("txt", "log"), "text/csv": ("csv",)}




def clean_filename(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:255] or "attachment"


def stored_name(filename: str, media_type: str) -> str:
    """The name a file is kept and downloaded under: what the user called it, with
    an extension that matches what it was recognized as. Text sent as ``x.html``,
    ``evil.svg`` or ``a.exe`` becomes ``x.html.txt`` …: no program opens it as
    anything but text."""
    name = clean_filename(filename)
    allowed = EXTENSIONS.get(media_type, ("bin",))
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.lower() in allowed:
        return name
    return f"{name[:250]}.{allowed[0]}"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not just a character cut at the sample's end
            try:
                sample.decode("cp1251")
            except UnicodeDecodeError:
                return False
    return True


def sniff(upload: Upload) -> str:
    """The media type of an allowed file, or ValueError saying why it is refused."""
    allowed = set(current_app.config["ATTACHMENT_TYPES"])
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if len(upload.data) > limit:
        raise ValueError(_("%(name)s is larger than %(mb)d MB.", name=upload.filename, mb=limit // (1024 * 1024)))
    if not upload.data:
        raise ValueError(_("%(name)s is empty.", name=upload.filename))
    kind = filetype.guess(upload.data[:8192])
    if kind is not None:
        extension = "jpg" if kind.extension == "jpeg" else kind.extension
        if extension in BINARY_TYPES and extension in allowed:
            return BINARY_TYPES[extension]
        raise ValueError(_("%(name)s is a file of a kind that is not accepted (%(kind)s).",
                           name=upload.filename, kind=kind.mime))
    if _looks_like_text(upload.data) and allowed & set(TEXT_TYPES):
        return "text/csv" if upload.filename.lower().endswith(".csv") and "csv" in allowed else "text/plain"
    raise ValueError(_("%(name)s is a file of a kind that is not accepted.", name=upload.filename))


def storage_dir() -> str:
    return current_app.config["ATTACHMENT_DIR"] or os.path.join(current_app.instance_path, "attachments")


def path_for(sha256: str) -> str:
    return os.path.join(storage_dir(), sha256[:2], sha256[2:4], sha256)


def store(data: bytes) -> str:
    """Write the bytes once (same content, same file) and return their SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    path = path_for(digest)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    return digest


def send(item):
    """The file as a response: inline only for images, never sniffed by the browser into something else,
    named after what it is (rows stored before stored_name() existed are renamed on the way out)."""
    response = send_file(path_for(item.sha256), mimetype=item.content_type, as_attachment=not item.is_image,
                         download_name=stored_name(item.filename, item.content_type), conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
