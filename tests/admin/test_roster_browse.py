"""Issue 20 point 8: the roster can be browsed and searched page by page (and the unit tree at district size)."""
import re

from kdweb.search import matches


def shown_codes(page):
    return re.findall(r'<td class="code">([^<]+)</td>', page)


def test_roster_pages_and_search_without_diacritics(client, admin, demo):
    persons = sorted(demo.persons, key=lambda person: person.code)
    first = client.get("/admin/roster/members").get_data(as_text=True)
    assert f"1–50 / {len(persons)} đảng viên" in first
    assert shown_codes(first) == [person.code for person in persons[:50]]
    second = client.get("/admin/roster/members?page=2").get_data(as_text=True)
    assert shown_codes(second) == [person.code for person in persons[50:100]] and "← Trang trước" in second

    target = persons[7]
    plain = " ".join(target.full_name.split()[-2:])  # given names, typed without diacritics below
    from kdweb.search import search_key
    found = client.get("/admin/roster/members", query_string={"q": search_key(plain)}).get_data(as_text=True)
    expected = [person.code for person in persons if matches(plain, person.full_name, person.code)]
    assert target.code in shown_codes(found) and shown_codes(found) == expected[:50]
    by_card = client.get("/admin/roster/members", query_string={"q": target.code}).get_data(as_text=True)
    assert shown_codes(by_card) == [target.code]


def test_roster_search_within_a_unit(client, admin, demo):
    in_ward = sorted(p.code for p in demo.persons if p.grassroots_code == "BD.P01")
    page = client.get("/admin/roster/members?unit=BD.P01").get_data(as_text=True)
    assert f"/ {len(in_ward)} đảng viên" in page and shown_codes(page) == in_ward[:50]
    assert "Không có đảng viên nào khớp." in client.get("/admin/roster/members?unit=KHONG.CO").get_data(as_text=True)


def test_an_htmx_search_answers_with_the_rows_only(client, admin, demo):
    answer = client.get("/admin/roster/members?q=zzzz", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert answer.startswith('<div id="member-rows">') and "Không có đảng viên nào khớp." in answer
