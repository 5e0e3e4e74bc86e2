"""A finding's or a refusal's message as its reader needs it: the unit's staff read it whole; a reviewer reads what
is wrong, without the sentences that tell the unit what to do (“Hãy tải mẫu mới …”), which are not the reviewer's
to do."""
import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ“])")
_TO_THE_UNIT = re.compile(r"(?:Hãy|Vui lòng|Lần sau hãy)\b|Nếu\b.*\b(?:hãy|đề nghị)\b", re.S)


def for_reader(message: str | None, for_unit: bool) -> str:
    if for_unit or not message:
        return message or ""
    sentences = _SENTENCE_END.split(message)
    kept = [sentence for sentence in sentences if not _TO_THE_UNIT.match(sentence)]
    return " ".join(kept or sentences[:1])
