"""Every state-changing endpoint refuses a request without the CSRF token, as a form and as htmx."""
import pytest

from tests.security.test_access_sweep import address, endpoints


def post_endpoints(app):
    return [(endpoint, rule) for endpoint, method, rule in endpoints(app) if method == "POST"]


def test_every_post_endpoint_is_known(app):
    assert len(post_endpoints(app)) >= 20


@pytest.mark.parametrize("htmx", [False, True])
def test_posts_without_token_are_refused(app, client, auth, htmx):
    auth.login_as("admin")
    headers = {"HX-Request": "true"} if htmx else {}
    accepted = []
    for endpoint, rule in post_endpoints(app):
        path = address(app, endpoint, rule)
        response = client.post(path, data={"comment": "x"}, headers=headers, csrf=False)
        if response.status_code != 400 or "Phiên làm việc đã hết hạn" not in response.get_data(as_text=True):
            accepted.append(f"{path}: {response.status_code}")
    assert not accepted, accepted


def test_a_wrong_token_is_refused_too(client, auth):
    auth.login_as("reviewer")
    response = client.post("/review/bulk/templates", headers={"X-CSRFToken": "forged"}, csrf=False)
    assert response.status_code == 400
