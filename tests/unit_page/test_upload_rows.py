"""The rows an upload's check inserts: each rating tuple (in the order outcome._rating_rows writes it) becomes its
row."""
from kdweb.services.uploads import rating_rows

# The order of a rating tuple's values (kdweb/excel/outcome.py, _rating_rows), each by its column's name.
RATING_COLUMNS = ("subject_kind", "subject_code", "subject_name", "group", "level", "not_rated_reason",
                  "disciplined", "remarks", "record_json", "score", "score_band")


def test_a_rating_row_names_each_value_by_its_column():
    ratings = [tuple(f"{column}-{n}".encode() if column == "record_json" else f"{column}-{n}"
                     for column in RATING_COLUMNS) for n in range(3)]
    rows = rating_rows(7, ratings)
    assert rows == [{**dict(zip(RATING_COLUMNS, rating)), "record_json": f"record_json-{n}", "upload_id": 7}
                    for n, rating in enumerate(ratings)]
    assert [list(row) for row in rows] == [[*RATING_COLUMNS, "upload_id"]] * 3
