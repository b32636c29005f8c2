"""The CMDB's jobs: a large import, run on a worker, its progress reported for its page."""
from app.auth.models import User
from app.errors import ValidationError
from app.extensions import db
from app.jobs import progress
from cmdb import transfer
from cmdb.models import ImportRun


def progress_key(run_id: int) -> str:
    return f"cmdb-import-{run_id}"


def run_import(run_id: int) -> None:
    """Import a queued file all or nothing, as the page would have; report progress every 1%."""
    run = db.session.get(ImportRun, run_id)
    if run is None or run.state != "queued":
        return
    actor, filename, data, dry_run, total = db.session.get(User, run.actor_id), run.filename, run.data, run.dry_run, run.rows
    key, done, step = progress_key(run_id), [0], max(1, total // 100)
    progress.report(key, 0, total)
    db.session.rollback()  # nothing held open before the import's own unit of work

    def advance(n: int) -> None:
        done[0] += n
        if done[0] % step == 0 or done[0] == total:
            progress.report(key, done[0], total)

    try:
        counts = transfer.import_file(actor, filename, data, dry_run=dry_run, progress=advance)
    except ValidationError as error:
        db.session.rollback()
        progress.report(key, total, total)
        transfer.finish_import(run_id, "failed", errors=[str(m) for ms in error.errors.values() for m in ms][:500])
        return
    progress.report(key, total, total)
    transfer.finish_import(run_id, "done", counts=counts)
