"""Search keys: Vietnamese text compared without case or diacritics ("Cống Vị" matches "cong vi")."""
import unicodedata

from kdweb.rules import normalise_text


def search_key(text: object) -> str:
    folded = normalise_text(text).replace("đ", "d")
    return "".join(char for char in unicodedata.normalize("NFD", folded) if not unicodedata.combining(char))


def matches(query: str, *texts: str) -> bool:
    words = search_key(query).split()
    haystack = " ".join(search_key(text) for text in texts if text)
    return all(word in haystack for word in words)
