"""Command-line tasks: `flask --app kdweb demo`, `flask --app kdweb db upgrade`."""
import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from kdweb.extensions import db


def register_cli(app):
    app.cli.add_command(demo_command)
    app.cli.add_command(remind_command)


@click.command("demo")
@click.option("--size", type=click.Choice(["small", "full", "city"]), default="full", show_default=True,
              help="small: for tests; full: a district like Ba Đình; city: thirty times that.")
@click.option("--reset", is_flag=True, help="Drop every table first (development only).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds data.")
@click.option("--seed", type=int, default=174, show_default=True)
@with_appcontext
def demo_command(size, reset, if_empty, seed):
    """Create the schema and load a deterministic demo district, then print the logins."""
    from kdweb.demo.generate import generate
    from kdweb.demo.load import DatabaseNotEmpty, load

    if reset:
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    upgrade()
    district = generate(size, seed=seed)
    try:
        counts = load(district)
    except DatabaseNotEmpty as error:
        if if_empty:
            click.echo("Cơ sở dữ liệu đã có dữ liệu mẫu; giữ nguyên.")
            return
        raise click.ClickException(str(error))
    click.echo("Đã nạp dữ liệu mẫu: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    click.echo("\nTài khoản (tên đăng nhập / mật khẩu):")
    for user in district.users:
        click.echo(f"  {user.login:<18} {user.password:<20} {user.full_name}")


@click.command("remind")
@with_appcontext
def remind_command():
    """Deadline reminders (3 days before, and overdue) to units that have not submitted; run it daily."""
    from kdweb.services.notifications import remind

    counts = remind()
    click.echo(f"Nhắc hạn: {counts['deadline_soon']} sắp đến hạn, {counts['overdue']} quá hạn, "
               f"{counts.get('mailed', 0)} thư đã gửi.")
