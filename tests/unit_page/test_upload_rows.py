"""The rows an upload's check inserts: each rating tuple (outcome.RATING_COLUMNS order) becomes its row."""
from kdweb.excel.outcome import RATING_COLUMNS
from kdweb.services.uploads import rating_rows


def test_a_rating_row_names_each_value_by_its_column():
    ratings = [tuple(f"{column}-{n}".encode() if column == "record_json" else f"{column}-{n}"
                     for column in RATING_COLUMNS) for n in range(3)]
    rows = rating_rows(7, ratings)
    assert rows == [{**dict(zip(RATING_COLUMNS, rating)), "record_json": f"record_json-{n}", "upload_id": 7}
                    for n, rating in enumerate(ratings)]
    assert [list(row) for row in rows] == [[*RATING_COLUMNS, "upload_id"]] * 3
