"""The vendored axe-core is the file the npm package published, and the app never serves it."""
import base64
import hashlib

from tests.browser.axe import AXE_SCRIPT, AXE_SHA256


def test_the_vendored_axe_core_is_the_published_file():
    digest = base64.b64encode(hashlib.sha256(AXE_SCRIPT.read_bytes()).digest()).decode()
    assert digest == AXE_SHA256
    assert AXE_SCRIPT.with_name("axe-core.LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License")


def test_axe_core_is_not_served_to_users(client):
    assert client.get(f"/static/{AXE_SCRIPT.name}").status_code == 404
    assert client.get(f"/static/vendor/{AXE_SCRIPT.name}").status_code == 404
    assert not list((AXE_SCRIPT.parents[3] / "static").rglob("axe*"))
