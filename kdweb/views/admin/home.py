from kdweb.services.admin import members_left, overview
from kdweb.services.cycles import open_cycle
from kdweb.views.admin import bp
from kdweb.views.rendering import render_page


@bp.get("/")
def index():
    cycle = open_cycle()
    return render_page("admin/index.html", cycle=cycle, counts=overview.counts(cycle),
                       last_import=overview.last_import(), left_behind=members_left.left_everywhere())
