"""Files made from the report (and from anything else that goes to a spreadsheet): .xlsx, .csv, .ods, .json.

No Flask here: these take plain data and return bytes, so the CLI and the benchmarks can use them too.
"""
