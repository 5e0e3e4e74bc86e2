"""Command-line tasks: `flask --app kdweb demo`, `flask --app kdweb worker`, `flask --app kdweb db upgrade`."""
import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from kdweb.extensions import db


def register_cli(app):
    app.cli.add_command(demo_command)
    app.cli.add_command(remind_command)
    app.cli.add_command(worker_command)


@click.command("worker")
@click.option("--workers", type=int, default=2, show_default=True, help="Jobs run at once by this process.")
@click.option("--processes", is_flag=True, help="Run each job in a child process instead of a thread.")
@with_appcontext
def worker_command(workers, processes):
    """Run the job queue's worker (KDWEB_QUEUE=redis://… in production); stop it with SIGINT to let jobs finish."""
    from kdweb.queue import current_queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = current_queue()
    if queue.huey.immediate:
        raise click.ClickException("KDWEB_QUEUE=immediate runs every job where it is enqueued: no worker needed.")
    queue.consumer(workers, "process" if processes else "thread").run()


@click.command("demo")
@click.option("--size", type=click.Choice(["small", "full", "city"]), default="full", show_default=True,
              help="small: for tests; full: a district like Ba Đình; city: thirty times that.")
@click.option("--reset", is_flag=True, help="Drop every table first (development only); asks first when units "
                                            "have uploaded files.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds data.")
@click.option("--shape", type=click.Choice(["district", "ward"]), default="district", show_default=True,
              help="district: a district like Ba Đình under qd132-hd21; ward: a ward party committee like Phường Ba "
                   "Đình today (89 tổ chức cơ sở đảng, about 3,800 members), its 2026 cycle under qd366-hd43 with "
                   "results sent.")
@click.option("--seed", type=int, default=174, show_default=True)
@click.option("--allow-production", is_flag=True, help="Run even though KDWEB_ENV=production.")
@click.option("--yes", is_flag=True, help="With --reset: do not ask, even when units have uploaded files.")
@with_appcontext
def demo_command(size, reset, if_empty, seed, allow_production, yes, shape="district"):
    """Create the schema and load a deterministic demo district, then print the logins."""
    from kdweb.demo.generate import generate
    from kdweb.demo.load import DatabaseNotEmpty, load
    from kdweb.demo.results import send_demo_results
    from kdweb.demo.ward import generate_ward

    refuse_in_production(allow_production)
    if reset:
        confirm_reset(skip=yes)
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    upgrade()
    district = generate_ward(seed=seed, small=size == "small") if shape == "ward" else generate(size, seed=seed)
    try:
        counts = load(district)
    except DatabaseNotEmpty as error:
        if if_empty:
            click.echo("Cơ sở dữ liệu đã có dữ liệu mẫu; giữ nguyên.")
            return
        raise click.ClickException(str(error))
    click.echo("Đã nạp dữ liệu mẫu: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    if shape == "ward":
        click.echo("Đang gửi kết quả của các đơn vị (tải mẫu, điền điểm, tải lên, nộp, duyệt)…")
        sent = send_demo_results(seed=seed)
        click.echo("Kết quả: " + ", ".join(f"{k}={v}" for k, v in sent.items()))
    click.echo("\nTài khoản (tên đăng nhập / mật khẩu):")
    for user in district.users:
        click.echo(f"  {user.login:<18} {user.password:<20} {user.full_name}")


@click.command("remind")
@click.option("--enqueue", is_flag=True, help="Hand the job to the queue's workers instead of running it here.")
@with_appcontext
def remind_command(enqueue):
    """Deadline reminders (3 days before, and overdue) to units that have not submitted, as a job; the workers
    also run it every day at KDWEB_REMIND_AT (docs/deploy.md)."""
    from kdweb.services import notifications_jobs

    job = notifications_jobs.start(run_here=not enqueue)
    if job is None:
        click.echo("Không có đợt kiểm điểm nào đang mở: không có gì để nhắc.")
    elif enqueue:
        click.echo(f"Đã giao việc nhắc hạn #{job.id} cho hàng đợi.")
    elif job.state != "done":
        raise click.ClickException(f"Việc nhắc hạn #{job.id}: {job.state} ({job.error})")
    else:
        counts = job.params
        click.echo(f"Nhắc hạn: {counts['deadline_soon']} sắp đến hạn, {counts['overdue']} quá hạn, "
                   f"{counts.get('mailed', 0)} thư đã gửi.")


def refuse_in_production(allowed: bool) -> None:
    """Demo accounts have printed passwords, and --reset drops every table: not on a production database
    unless the operator says so in the command itself."""
    if current_app.config.get("KDWEB_ENV") == "production" and not allowed:
        raise click.ClickException(
            "KDWEB_ENV=production: không nạp dữ liệu mẫu vào cơ sở dữ liệu thật (tài khoản mẫu có mật khẩu in ra "
            "màn hình; --reset xóa mọi bảng). Nếu thật sự muốn, chạy lại với --allow-production.")


def confirm_reset(skip: bool) -> None:
    uploads = uploaded_file_count()
    if uploads and not skip:
        click.confirm(f"Cơ sở dữ liệu có {uploads} tệp các đơn vị đã tải lên; --reset xóa mọi bảng, kể cả các tệp "
                      "này, không lấy lại được. Vẫn xóa?", default=False, abort=True)


def uploaded_file_count() -> int:
    from kdweb.models import Upload

    if not db.inspect(db.engine).has_table(Upload.__tablename__):
        return 0
    return db.session.scalar(db.select(db.func.count()).select_from(Upload)) or 0
